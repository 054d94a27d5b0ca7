using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using System.Text.Json;

namespace CloudIngress.Proxy.Provider;

/// <summary>
/// The Kestrel data plane as a provider. Its plan is the model itself (what the route table is
/// compiled from); its apply swaps the route table of the proxy in this process, on every
/// replica; it owns nothing outside the process, so it needs no finalizer and destroys nothing.
/// </summary>
public sealed class KestrelProvider(ILocalDataPlane? dataPlane, IReadOnlyList<string> publishAddresses) : Provider<KestrelProvider.Served>
{
    public const string ProviderName = "kestrel";

    /// <summary>The model served, fingerprinted only when a plan asks: an apply is not held up by hashing it.</summary>
    private GatewayModel? _served;

    public override string Name => ProviderName;

    public override ProviderScope Scope => ProviderScope.EveryReplica;

    public override bool OwnsCloudResources => false;

    public override Task<Served> ObserveAsync(GatewayModel model, CancellationToken cancellationToken) =>
        Task.FromResult(new Served(dataPlane is null || _served is null ? null : ModelFingerprint.Of(_served)));

    public override ProviderPlan Plan(GatewayModel model, Served observed)
    {
        var text = new StringWriter();
        ModelText.Write(model, text);
        var resources = JsonSerializer.SerializeToNode(model, ModelJsonContext.Default.GatewayModel)!.AsObject();
        resources.Remove("diagnostics"); // plan prints the diagnostics of every stage together
        var fingerprint = ModelFingerprint.Of(model);
        IReadOnlyList<PlannedOperation> operations = dataPlane is null || observed.Fingerprint == fingerprint ? []
            : [new PlannedOperation(observed.Fingerprint is null ? OperationAction.Create : OperationAction.Update, "SwapRouteTable",
                $"{model.Frontends.Count} frontend(s), {model.Backends.Count} backend(s)")];
        return new ProviderPlan
        {
            Provider = Name,
            Text = text.ToString().TrimEnd().Split('\n'),
            Resources = resources,
            Operations = operations,
            Notes = dataPlane is null ? ["(kestrel: `serve` and `run` apply this model to their own proxy, live)"] : [],
        };
    }

    public override Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> warnings = [];
        IReadOnlyList<PlannedOperation> executed = [];
        if (dataPlane is not null)
        {
            warnings = dataPlane.Apply(model);
            _served = model;
            executed = [new PlannedOperation(OperationAction.Update, "SwapRouteTable", $"{model.Frontends.Count} frontend(s)")];
        }

        // Every HTTP frontend is served on this process's ports, so each shows the published addresses.
        var addresses = publishAddresses.Count == 0 ? new Dictionary<string, IReadOnlyList<string>>()
            : model.Frontends.Where(f => f.Kind == FrontendKind.Http).ToDictionary(f => f.Id, _ => publishAddresses, StringComparer.Ordinal);
        return Task.FromResult(new ProviderApplyResult { ByFrontend = addresses, Warnings = warnings, Executed = executed });
    }

    public override Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => Task.FromResult(ProviderApplyResult.Empty);

    /// <summary>What the proxy serves now, by fingerprint; null when there is no proxy in this process or it serves nothing yet.</summary>
    public sealed record Served(string? Fingerprint);
}
