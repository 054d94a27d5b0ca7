using CloudIngress.Core.Model;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Providers;

/// <summary>
/// The shape every provider's plan has: read what the target holds (IO), then a pure function of
/// the model and that observation gives the desired resources and the operations to get there.
/// </summary>
/// <typeparam name="TObserved">What the target holds, as the provider reads it.</typeparam>
public abstract class Provider<TObserved> : IProvider
{
    public abstract string Name { get; }

    public abstract ProviderScope Scope { get; }

    public abstract bool OwnsCloudResources { get; }

    /// <summary>Reads what the target holds that a plan of <paramref name="model"/> needs.</summary>
    public abstract Task<TObserved> ObserveAsync(GatewayModel model, CancellationToken cancellationToken);

    /// <summary>Pure: model + observed → desired resources and the diff.</summary>
    public abstract ProviderPlan Plan(GatewayModel model, TObserved observed);

    public async Task<ProviderPlan> PlanAsync(GatewayModel model, CancellationToken cancellationToken) =>
        Plan(model, await ObserveAsync(model, cancellationToken));

    public abstract Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken);

    public abstract Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken);

    /// <inheritdoc cref="IProvider.ObservedFingerprint"/>
    public virtual string ObservedFingerprint(ClusterSnapshot snapshot) => string.Empty;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
