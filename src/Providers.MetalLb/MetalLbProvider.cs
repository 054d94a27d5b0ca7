using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;
using CloudIngress.Providers.MetalLb.Planning;

namespace CloudIngress.Providers.MetalLb;

/// <summary>
/// Bare metal behind the provider contract: the LoadBalancer Services in front of the Kestrel
/// proxy, the pools as code, and the addresses MetalLB would give. It observes the objects the
/// verb read (<see cref="ProviderSettings.Snapshot"/>). Writing to the cluster comes with the
/// Kubernetes client; until then apply and destroy compute what they would do and say so.
/// </summary>
public sealed class MetalLbProvider(MetalLbOptions options, Func<ClusterSnapshot>? snapshot) : Provider<ClusterSnapshot>
{
    public const string ProviderName = "metallb";

    public const string NotWrittenYet =
        "the MetalLB provider does not write to the cluster yet: the owned Services and pools are computed and the addresses predicted, nothing is applied";

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
        var plan = MetalLbPlanner.Plan(model, await ObserveAsync(model, cancellationToken), options);
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
