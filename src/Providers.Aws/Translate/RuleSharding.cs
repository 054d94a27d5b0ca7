using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Providers.Aws.Translate;

/// <summary>
/// Splits a group's rules over load balancers when they exceed the per-load-balancer quota. The
/// unit is an Ingress together with every Ingress it shares a host with (a host's rules must stay
/// on one load balancer: DNS points the host at one). Units are packed first-fit in the group's
/// precedence order, so the same group always splits the same way.
/// </summary>
internal static class RuleSharding
{
    /// <summary>The hosts of each shard, and each member's shard.</summary>
    public sealed record Result(IReadOnlyList<HashSet<string>> ShardHosts, IReadOnlyDictionary<ObjectRef, int> ShardOf);

    public static Result Split(IReadOnlyList<IReadOnlyList<DraftRule>> listeners, IReadOnlyList<ObjectRef> members, int quota, TranslateContext context)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                x = p;
            }

            return x;
        }

        void Union(string a, string b)
        {
            parent.TryAdd(a, a);
            parent.TryAdd(b, b);
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb)
            {
                parent[rb] = ra;
            }
        }

        // Nodes are "h:<host>" and "o:<object>"; a rule joins its host to its Ingress.
        foreach (var rule in listeners.SelectMany(l => l))
        {
            Union("h:" + rule.Host, "o:" + rule.Source);
        }

        var order = members.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
        var units = listeners.SelectMany(l => l)
            .GroupBy(r => Find("h:" + r.Host), StringComparer.Ordinal)
            .Select(g => (
                Hosts: g.Select(r => r.Host).ToHashSet(StringComparer.Ordinal),
                Objects: g.Select(r => r.Source).Distinct().ToList(),
                Cost: g.Count()))
            .OrderBy(u => u.Objects.Min(o => order.GetValueOrDefault(o, int.MaxValue)))
            .ThenBy(u => u.Hosts.Min(StringComparer.Ordinal), StringComparer.Ordinal)
            .ToList();

        var shards = new List<(HashSet<string> Hosts, int Cost)>();
        var shardOf = new Dictionary<ObjectRef, int>();
        foreach (var unit in units)
        {
            var index = shards.FindIndex(s => s.Cost + unit.Cost <= quota);
            if (index < 0)
            {
                shards.Add(([], 0));
                index = shards.Count - 1;
            }

            shards[index] = (shards[index].Hosts, shards[index].Cost + unit.Cost);
            shards[index].Hosts.UnionWith(unit.Hosts);
            foreach (var o in unit.Objects)
            {
                shardOf[o] = index;
            }

            if (unit.Cost > quota)
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderQuotaExceeded, unit.Objects[0],
                    $"hosts {string.Join(", ", unit.Hosts.Order(StringComparer.Ordinal))} need {unit.Cost} listener rules and one load balancer holds {quota}; " +
                    $"the rules past {quota} are not created (Ingresses sharing these hosts: {string.Join(", ", unit.Objects)})");
            }
        }

        if (shards.Count == 0)
        {
            shards.Add(([], 0));
        }

        return new Result(shards.Select(s => s.Hosts).ToList(), shardOf);
    }
}
