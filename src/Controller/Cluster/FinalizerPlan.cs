using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Controller.Cluster;

/// <summary>A finalizer change on one object, carrying the resourceVersion it was computed from.</summary>
internal sealed record FinalizerChange(ObjectRef Object, string? ResourceVersion, IReadOnlyList<string> Finalizers);

/// <summary>
/// Who carries <c>cloudingress.io/finalizer</c>: every object whose frontend owns cloud
/// resources gets it before those resources are created; an object that is being deleted (or no
/// longer ours) loses it only after a cloud apply without it has succeeded, so deleting an
/// Ingress can never orphan its load balancer.
/// </summary>
internal static class FinalizerPlan
{
    public const string Finalizer = "cloudingress.io/finalizer";

    public static IReadOnlyList<FinalizerChange> ToAdd(ClusterSnapshot snapshot, GatewayModel model)
    {
        var members = model.Frontends.SelectMany(f => f.Members).ToHashSet();
        return [.. Objects(snapshot)
            .Where(o => o.Metadata.DeletionTimestamp is null && members.Contains(ObjectRefs.For(o)) && !Has(o))
            .Select(o => new FinalizerChange(ObjectRefs.For(o), o.Metadata.ResourceVersion, [.. o.Metadata.Finalizers ?? [], Finalizer]))];
    }

    /// <summary>Call only after the cloud apply of <paramref name="model"/> succeeded.</summary>
    public static IReadOnlyList<FinalizerChange> ToRemoveAfterApply(ClusterSnapshot snapshot, GatewayModel model)
    {
        var members = model.Frontends.SelectMany(f => f.Members).ToHashSet();
        return [.. Objects(snapshot)
            .Where(o => Has(o) && (o.Metadata.DeletionTimestamp is not null || !members.Contains(ObjectRefs.For(o))))
            .Select(o => new FinalizerChange(ObjectRefs.For(o), o.Metadata.ResourceVersion, [.. o.Metadata.Finalizers!.Where(f => f != Finalizer)]))];
    }

    private static IEnumerable<IKubernetesObject> Objects(ClusterSnapshot snapshot) => snapshot.Ingresses.Concat<IKubernetesObject>(snapshot.Services);

    private static bool Has(IKubernetesObject o) => o.Metadata.Finalizers?.Contains(Finalizer) ?? false;
}
