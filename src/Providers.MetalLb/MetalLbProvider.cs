using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;
using CloudIngress.Core.Resources;
using CloudIngress.Providers.MetalLb.Cluster;
using CloudIngress.Providers.MetalLb.Planning;
using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Providers.MetalLb;

/// <summary>
/// Bare metal behind the provider contract: the LoadBalancer Services in front of the Kestrel
/// proxy, the pools as code, and the addresses MetalLB would give. It observes the objects the
/// verb read (<see cref="ProviderSettings.Snapshot"/>). With a <paramref name="writer"/> (in
/// <c>run</c> against a cluster) an apply writes the owned objects and publishes the addresses
/// MetalLB really assigned; without one, apply and destroy compute what they would do and say so.
/// </summary>
public sealed class MetalLbProvider(MetalLbOptions options, Func<ClusterSnapshot>? snapshot, ClusterWriter? writer = null) : Provider<ClusterSnapshot>
{
    public const string ProviderName = "metallb";

    public const string NotWrittenYet =
        "the MetalLB provider writes to the cluster only in `run`: the owned Services and pools are computed and the addresses predicted, nothing is applied";

    public override string Name => ProviderName;

    /// <summary>One writer of the owned Services; every replica still runs its own proxy.</summary>
    public override ProviderScope Scope => ProviderScope.Leader;

    /// <summary>Everything it owns is a Kubernetes object, collected by label: no finalizers.</summary>
    public override bool OwnsCloudResources => false;

    public MetalLbOptions Options => options;

    public override Task<ClusterSnapshot> ObserveAsync(GatewayModel model, CancellationToken cancellationToken) =>
        Task.FromResult(snapshot?.Invoke() ?? ClusterSnapshot.Empty);

    public override ProviderPlan Plan(GatewayModel model, ClusterSnapshot observed) => ToProviderPlan(MetalLbPlanner.Plan(model, observed, options), snapshot is null);

    public override async Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
    {
        var observed = await ObserveAsync(model, cancellationToken);
        var plan = MetalLbPlanner.Plan(model, observed, options);
        if (writer is not null)
        {
            var outcome = await writer.ExecuteAsync(plan, cancellationToken);
            if (outcome.Failed.Count > 0)
            {
                // The other writes went ahead; failing the pass has the reconciler retry with backoff.
                throw new ProviderException($"metallb: {outcome.Failed.Count} write(s) failed: {string.Join("; ", outcome.Failed)}",
                    [.. plan.Diagnostics, .. outcome.Refused], writer.Calls);
            }

            // The prediction explains; only what MetalLB wrote into status is published.
            Diagnostic[] diagnostics = [.. plan.Diagnostics, .. outcome.Refused];
            return new ProviderApplyResult
            {
                ByFrontend = MetalLbPlanner.Assigned(plan, observed),
                Diagnostics = diagnostics,
                Executed = outcome.Executed,
                Calls = writer.Calls,
                // Events go on Ingresses and Services; what is about MetalLB's own objects goes to the log.
                Warnings = [.. diagnostics.Where(d => d.Object.Kind is not (Service.KindValue or "Ingress"))
                    .Select(d => $"{d.Severity} {d.Code}: {d.Object}{(d.Field is null ? string.Empty : " " + d.Field)}: {d.Message}")],
            };
        }

        return new ProviderApplyResult
        {
            ByFrontend = plan.ByFrontend,
            Diagnostics = plan.Diagnostics,
            Warnings = [NotWrittenYet, .. plan.Operations.Select(o => $"not applied: {o}")],
        };
    }

    /// <summary>Everything owned that is observed would be deleted: the owned Services, and with pools as code the owned pools and advertisements.</summary>
    public override async Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken)
    {
        var nothing = new GatewayModel();
        var plan = MetalLbPlanner.Plan(nothing, await ObserveAsync(nothing, cancellationToken), options with { Config = options.Config is null ? null : Config.MetalLbConfig.None });
        return new ProviderApplyResult { Warnings = [NotWrittenYet, .. plan.Operations.Select(o => $"not deleted: {o}")] };
    }

    /// <summary>LoadBalancer Services (their status included), pools, advertisements and namespaces, by version: a change to any means another apply.</summary>
    public override string ObservedFingerprint(ClusterSnapshot snapshot)
    {
        var versions = snapshot.Services.Where(s => s.Spec?.Type == "LoadBalancer").Cast<IKubernetesObject>()
            .Concat(snapshot.AddressPools).Concat(snapshot.L2Advertisements).Concat(snapshot.BGPAdvertisements).Concat(snapshot.Namespaces)
            .Select(o => $"{o.Kind}/{o.Metadata.Namespace}/{o.Metadata.Name}@{o.Metadata.ResourceVersion}")
            .Order(StringComparer.Ordinal);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", versions))));
    }

    private static ProviderPlan ToProviderPlan(MetalLbPlan plan, bool blind) => new()
    {
        Provider = ProviderName,
        Text = [.. MetalLbPlanText.Lines(plan)],
        Resources = MetalLbPlanText.Json(plan),
        Operations = plan.Operations,
        Diagnostics = plan.Diagnostics,
        Notes = blind ? ["(no objects observed: planned without the cluster's Services and pools)"] : [],
    };
}
