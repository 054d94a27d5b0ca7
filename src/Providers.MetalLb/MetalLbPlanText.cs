using CloudIngress.Providers.MetalLb.Planning;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.MetalLb;

/// <summary>The MetalLB plan as <c>plan</c> prints it: lines for people, and the JSON object whose properties go to the top of <c>--output json</c>.</summary>
public static class MetalLbPlanText
{
    public static IEnumerable<string> Lines(MetalLbPlan plan)
    {
        yield return $"pools: {plan.Pools.Count}";
        foreach (var (pool, source) in plan.Pools)
        {
            var traits = new List<string> { pool.AutoAssign ? "autoAssign" : "autoAssign: false" };
            if (pool.AvoidBuggyIps)
            {
                traits.Add("avoidBuggyIPs");
            }

            if (pool.Allocation is { } a)
            {
                traits.Add($"for {a.Describe()}" + (a.Priority > 0 ? $", priority {a.Priority}" : string.Empty));
            }

            traits.Add(source);
            yield return $"  {pool.Name}: {string.Join(", ", pool.Ranges.Select(r => r.Text))} ({string.Join("; ", traits)})";
        }

        yield return $"services in front of the proxy: {plan.Services.Count}";
        foreach (var e in plan.Services)
        {
            var ports = string.Join(", ", (e.Service.Spec?.Ports ?? []).Select(p => $"{p.Port}/{p.Protocol}->{p.TargetPort?.Text}"));
            yield return $"  {e.Ref.Key}: {ports}; ingress groups {string.Join(", ", e.Frontends.Select(f => f.Name))}";
        }

        yield return $"assignments: {plan.Assignments.Count}";
        foreach (var a in plan.Assignments)
        {
            yield return a.Pending
                ? $"  {a.Service.Key}: Pending"
                : $"  {a.Service.Key}: pool {a.Pool} {string.Join(", ", a.Addresses)}{(a.Kept ? " (kept from status)" : string.Empty)}";
        }
    }

    /// <summary><c>{"assignments": [{namespace, name, pool, addresses}], "services": [owned Services], "pools": [...]}</c>.</summary>
    public static JsonObject Json(MetalLbPlan plan) => new()
    {
        ["assignments"] = new JsonArray([.. plan.Assignments.Select(a => (JsonNode)new JsonObject
        {
            ["namespace"] = a.Service.Namespace,
            ["name"] = a.Service.Name,
            ["pool"] = a.Pool,
            ["addresses"] = new JsonArray([.. a.Addresses.Select(ip => (JsonNode)JsonValue.Create(ip.ToString()))]),
        })]),
        ["services"] = new JsonArray([.. plan.Services.Select(e => JsonSerializer.SerializeToNode(e.Service, MetalLbJson.Default.Service))]),
        ["pools"] = new JsonArray([.. plan.Pools.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Pool.Name,
            ["addresses"] = new JsonArray([.. p.Pool.Ranges.Select(r => (JsonNode)JsonValue.Create(r.Text))]),
            ["autoAssign"] = p.Pool.AutoAssign,
            ["avoidBuggyIPs"] = p.Pool.AvoidBuggyIps,
            ["source"] = p.Source,
        })]),
    };
}
