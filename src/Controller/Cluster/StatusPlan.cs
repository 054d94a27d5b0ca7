using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using System.Net;

namespace CloudIngress.Controller.Cluster;

/// <summary>One object whose <c>status.loadBalancer.ingress</c> should become <see cref="Ingress"/> (empty clears it).</summary>
internal sealed record StatusWrite(ObjectRef Object, IReadOnlyList<LoadBalancerIngress> Ingress);

/// <summary>
/// Which statuses to write: every Ingress the proxy serves shows the published addresses; an
/// Ingress we no longer serve but that still shows exactly our addresses is cleared (another
/// controller's addresses are left alone). Nothing is written when it already matches, so a
/// steady cluster sees no status traffic at all.
/// </summary>
internal static class StatusPlan
{
    public static IReadOnlyList<StatusWrite> Compute(ClusterSnapshot snapshot, GatewayModel model, IReadOnlyList<string> addresses)
    {
        var ours = Addresses(addresses);
        var served = model.Frontends.Where(f => f.Kind == FrontendKind.Http).SelectMany(f => f.Members)
            .Where(m => m.Kind == Ingress.KindValue).ToHashSet();
        var writes = new List<StatusWrite>();
        foreach (var ingress in snapshot.Ingresses)
        {
            var current = ingress.Status?.LoadBalancer?.Ingress ?? [];
            var reference = ObjectRefs.For(ingress);
            if (served.Contains(reference))
            {
                if (!Same(current, ours))
                {
                    writes.Add(new StatusWrite(reference, ours));
                }
            }
            else if (current.Count > 0 && Same(current, ours))
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
