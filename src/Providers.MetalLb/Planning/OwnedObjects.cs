using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Resources;
using System.Text.Json;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>
/// The writes an apply makes to objects the controller owns: create or change the declared ones
/// (only the fields it sets count, as with server-side apply), delete the owned ones no longer declared.
/// </summary>
public static class OwnedObjects
{
    public static IReadOnlyList<PlannedOperation> Diff(IEnumerable<IKubernetesObject> declared, IEnumerable<IKubernetesObject> observed, IEnumerable<IKubernetesObject> deleted)
    {
        var operations = new List<PlannedOperation>();
        var existing = observed.ToDictionary(ObjectRefs.For);
        foreach (var item in declared.OrderBy(ObjectRefs.For))
        {
            var id = ObjectRefs.For(item);
            if (!existing.TryGetValue(id, out var current))
            {
                operations.Add(new PlannedOperation(OperationAction.Create, "Apply" + id.Kind, id.Key));
            }
            else if (Differs(item, current))
            {
                operations.Add(new PlannedOperation(OperationAction.Update, "Apply" + id.Kind, id.Key));
            }
        }

        operations.AddRange(deleted.Select(ObjectRefs.For).Order().Select(id => new PlannedOperation(OperationAction.Delete, "Delete" + id.Kind, id.Key)));
        return operations;
    }

    /// <summary>A label or annotation of ours is missing or different, or the spec differs in a field we set.</summary>
    private static bool Differs(IKubernetesObject declared, IKubernetesObject observed) =>
        !Subset(declared.Metadata.Labels, observed.Metadata.Labels)
        || !Subset(declared.Metadata.Annotations, observed.Metadata.Annotations)
        || (declared, observed) switch
        {
            (Service d, Service o) => ServiceDiffers(d, o),
            _ => Spec(declared) != Spec(observed),
        };

    private static bool ServiceDiffers(Service d, Service o)
    {
        var (ds, os) = (d.Spec ?? new ServiceSpec(), o.Spec ?? new ServiceSpec());
        var requestKeys = Planning.MetalLbAnnotations.All;
        return ds.Type != os.Type || ds.ExternalTrafficPolicy != os.ExternalTrafficPolicy
            || !Subset(ds.Selector, os.Selector) || !Subset(os.Selector, ds.Selector)
            || Ports(ds) != Ports(os)
            // A request we no longer make must go, or MetalLB keeps honouring it.
            || requestKeys.Any(k => o.Metadata.Annotations?.ContainsKey(k) == true && d.Metadata.Annotations?.ContainsKey(k) != true);
    }

    private static string Ports(ServiceSpec spec) =>
        string.Join(";", (spec.Ports ?? []).Select(p => $"{p.Name}/{p.Protocol ?? "TCP"}/{p.Port}/{p.TargetPort}"));

    private static string Spec(IKubernetesObject o) => o switch
    {
        IPAddressPool p => JsonSerializer.Serialize(p.Spec, MetalLbJson.Default.IPAddressPoolSpec),
        L2Advertisement a => JsonSerializer.Serialize(a.Spec, MetalLbJson.Default.L2AdvertisementSpec),
        BGPAdvertisement a => JsonSerializer.Serialize(a.Spec, MetalLbJson.Default.BGPAdvertisementSpec),
        _ => string.Empty,
    };

    private static bool Subset(IReadOnlyDictionary<string, string>? part, IReadOnlyDictionary<string, string>? whole) =>
        (part ?? new Dictionary<string, string>()).All(p => whole?.GetValueOrDefault(p.Key) == p.Value);
}
