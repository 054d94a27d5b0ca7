using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Build;

/// <summary>
/// Why <c>plan</c> planned nothing for an object: every Ingress and every Service of type
/// LoadBalancer that is not ours, with the reason and the fix. Kept out of
/// <see cref="ModelBuilder.Build"/> so other controllers' objects never get our Events.
/// </summary>
public static class SkippedObjects
{
    /// <summary>Info-severity <see cref="DiagnosticCodes.NotOurs"/> diagnostics, sorted; pure like the build.</summary>
    public static IReadOnlyList<Diagnostic> Explain(ClusterSnapshot snapshot, BuildOptions? options = null)
    {
        options ??= BuildOptions.Default;

        // Duplicates are the build's to report; the first of each is judged, as the build does.
        var filter = new IngressClassFilter(new SnapshotIndex(snapshot, new DiagnosticBag()), options);
        var skipped = new DiagnosticBag();
        foreach (var ingress in snapshot.Ingresses.DistinctBy(ObjectRefs.For))
        {
            Add(skipped, ObjectRefs.For(ingress), filter.Judge(ingress));
        }

        foreach (var service in snapshot.Services.Where(ServiceClassFilter.IsLoadBalancer).DistinctBy(ObjectRefs.For))
        {
            Add(skipped, ObjectRefs.For(service), ServiceClassFilter.Judge(service, options));
        }

        return skipped.ToSortedList();
    }

    private static void Add(DiagnosticBag skipped, ObjectRef owner, Ownership ownership)
    {
        if (!ownership.IsOurs)
        {
            skipped.Info(DiagnosticCodes.NotOurs, owner, ownership.Field, ownership.Reason ?? "is not ours");
        }
    }
}
