using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Controller.Reconcile;

/// <summary>The Publish stage: Kubernetes status, finalizers and Events in a cluster; log lines for a manifests directory.</summary>
internal interface IPublisher
{
    /// <summary>Whether this replica writes to clouds and status (always, without leader election).</summary>
    bool IsLeader { get; }

    /// <summary>Before a provider that owns cloud resources applies: guard what it will create (finalizers).</summary>
    Task BeforeApplyAsync(ClusterSnapshot snapshot, GatewayModel model, CancellationToken cancellationToken);

    /// <summary>After a successful apply (or an unchanged model): diagnostics, finalizers released, addresses into status.</summary>
    Task PublishAsync(ClusterSnapshot snapshot, GatewayModel model, ProviderApplyResult applied, bool ownsCloudResources, CancellationToken cancellationToken);

    /// <summary>An apply that failed: the model's and the failure's diagnostics are still reported.</summary>
    Task ReportFailureAsync(ClusterSnapshot snapshot, GatewayModel model, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken);
}
