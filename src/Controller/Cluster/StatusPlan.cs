using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using System.Net;

namespace CloudIngress.Controller.Cluster;

/// <summary>One object whose <c>status.loadBalancer.ingress</c> should become <see cref="Ingress"/> (empty clears it).</summary>
internal sealed record StatusWrite(ObjectRef Object, IReadOnlyList<LoadBalancerIngress> Ingress);

/// <summary>
/// Which statuses to write: every object a frontend serves shows that frontend's addresses (a
/// frontend whose addresses are not known yet, such as a load balancer still being created, is
/// left alone); an Ingress we no longer serve but that still shows only our addresses is
/// cleared (another controller's addresses are left alone). Nothing is written when it already
/// matches, so a steady cluster sees no status traffic at all.
/// </summary>
internal static class StatusPlan
{
    /// <summary>The Kestrel data plane: every HTTP frontend is served at the published addresses.</summary>
    public static IReadOnlyList<StatusWrite> Compute(ClusterSnapshot snapshot, GatewayModel model, IReadOnlyList<string> addresses) =>
        Compute(snapshot, model, f => f.Kind == FrontendKind.Http ? addresses : null);

    public static IReadOnlyList<StatusWrite> Compute(ClusterSnapshot snapshot, GatewayModel model, Func<Frontend, IReadOnlyList<string>?> addressesOf) =>
        Compute(snapshot, model, (frontend, _) => addressesOf(frontend));

    /// <summary>Addresses per member: a frontend split over several load balancers gives its members different ones.</summary>
    public static IReadOnlyList<StatusWrite> Compute(ClusterSnapshot snapshot, GatewayModel model, Func<Frontend, ObjectRef, IReadOnlyList<string>?> addressesOf)
    {
        var desired = new Dictionary<ObjectRef, IReadOnlyList<LoadBalancerIngress>>();
        var served = new HashSet<ObjectRef>();
        var ours = new HashSet<string>(StringComparer.Ordinal);
        foreach (var frontend in model.Frontends)
        {
            served.UnionWith(frontend.Members);
            foreach (var member in frontend.Members)
            {
                if (addressesOf(frontend, member) is not { } known)
                {
                    continue;
                }

                var addresses = Addresses(known);
                ours.UnionWith(addresses.Select(Key));
                desired.TryAdd(member, addresses);
            }
        }

        var writes = new List<StatusWrite>();
        var objects = snapshot.Ingresses.Select(i => (Ref: ObjectRefs.For(i), Current: i.Status?.LoadBalancer?.Ingress ?? []))
            .Concat(snapshot.Services.Select(s => (Ref: ObjectRefs.For(s), Current: s.Status?.LoadBalancer?.Ingress ?? [])));
        foreach (var (reference, current) in objects)
        {
            if (desired.TryGetValue(reference, out var wanted))
            {
                if (!Same(current, wanted))
                {
                    writes.Add(new StatusWrite(reference, wanted));
                }
            }
            else if (!served.Contains(reference) && reference.Kind == Ingress.KindValue && current.Count > 0 && current.All(c => ours.Contains(Key(c))))
            {
                writes.Add(new StatusWrite(reference, []));
            }
        }

        return writes;
    }

    /// <summary>IPs as <c>ip</c>, names as <c>hostname</c>, in a stable order.</summary>
    public static IReadOnlyList<LoadBalancerIngress> Addresses(IEnumerable<string> addresses) =>
        [.. addresses.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)
            .Select(a => IPAddress.TryParse(a, out _) ? new LoadBalancerIngress { Ip = a } : new LoadBalancerIngress { Hostname = a })];

    private static bool Same(IReadOnlyList<LoadBalancerIngress> a, IReadOnlyList<LoadBalancerIngress> b) =>
        a.Select(Key).Order(StringComparer.Ordinal).SequenceEqual(b.Select(Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static string Key(LoadBalancerIngress i) => $"{i.Ip}|{i.Hostname?.ToLowerInvariant()}";
}
