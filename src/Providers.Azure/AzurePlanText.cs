using CloudIngress.Providers.Azure.Translate;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure;

/// <summary>The plan as <c>plan</c> prints it: a line per resource and per child, and the JSON of every PUT body (secrets are never in it).</summary>
internal static class AzurePlanText
{
    private static readonly string[] Collections =
    [
        "frontendIPConfigurations", "frontendPorts", "sslCertificates", "trustedRootCertificates", "httpListeners", "requestRoutingRules",
        "urlPathMaps", "redirectConfigurations", "backendAddressPools", "backendHttpSettingsCollection", "probes", "loadBalancingRules",
    ];

    public static IEnumerable<string> Lines(AzurePlan plan)
    {
        foreach (var resource in plan.Resources)
        {
            yield return $"{resource.Kind} {resource.Name}  [{resource.FrontendId}]{(resource.Members.Count > 0 ? "  members: " + string.Join(", ", resource.Members) : string.Empty)}";
            var properties = resource.Body["properties"] as JsonObject ?? [];
            foreach (var collection in Collections)
            {
                foreach (var child in (properties[collection] as JsonArray ?? []).OfType<JsonObject>())
                {
                    yield return $"  {collection} {child["name"]}{Describe(collection, child["properties"] as JsonObject ?? [])}";
                }
            }
        }
    }

    public static JsonObject Json(AzurePlan plan) => new()
    {
        ["resources"] = new JsonArray([.. plan.Resources.Select(r => (JsonNode)new JsonObject
        {
            ["kind"] = r.Kind.ToString(),
            ["name"] = r.Name,
            ["id"] = r.Id,
            ["key"] = r.Key,
            ["frontend"] = r.FrontendId,
            ["members"] = new JsonArray([.. r.Members.Select(m => (JsonNode)m.ToString())]),
            ["body"] = r.Body.DeepClone(),
        })]),
    };

    private static string Describe(string collection, JsonObject p) => collection switch
    {
        "httpListeners" => $"  {p["protocol"]} {p["hostName"] ?? p["hostNames"]?[0] ?? "*"}",
        "requestRoutingRules" => $"  {p["ruleType"]} priority {p["priority"]}",
        "urlPathMaps" => $"  {string.Join(" ", (p["pathRules"] as JsonArray ?? []).SelectMany(r => r?["properties"]?["paths"] as JsonArray ?? []))}",
        "frontendPorts" => $"  {p["port"]}",
        "backendAddressPools" => $"  {(p["backendAddresses"] as JsonArray ?? p["loadBalancerBackendAddresses"] as JsonArray)?.Count ?? 0} address(es)",
        "loadBalancingRules" => $"  {p["protocol"]} {p["frontendPort"]} -> {p["backendPort"]}",
        _ => string.Empty,
    };
}
