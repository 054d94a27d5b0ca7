using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>The discovery documents kubectl reads before it does anything: /version, /api, /apis and the resource lists.</summary>
public static class Discovery
{
    public static JsonObject? Answer(string path) => path.TrimEnd('/') switch
    {
        "/version" => new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "31",
            ["gitVersion"] = "v1.31.0-cloudingress-emulator",
            ["platform"] = "linux/amd64",
        },
        "/api" => new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "127.0.0.1" }),
        },
        "/apis" => Groups(),
        "/api/v1" => Resources(string.Empty, "v1"),
        var p when p.StartsWith("/apis/", StringComparison.Ordinal) && p.Split('/') is [_, _, var group, var version] => Resources(group, version),
        _ => null,
    };

    private static string[] ShortNames(string plural) => plural switch
    {
        "services" => ["svc"],
        "namespaces" => ["ns"],
        "ingresses" => ["ing"],
        "configmaps" => ["cm"],
        "events" => ["ev"],
        _ => [],
    };

    private static JsonObject Groups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(ApiResource.All.Where(r => r.Group.Length > 0).GroupBy(r => r.Group).Select(g =>
        {
            var version = new JsonObject { ["groupVersion"] = $"{g.Key}/{g.First().Version}", ["version"] = g.First().Version };
            return (JsonNode)new JsonObject
            {
                ["name"] = g.Key,
                ["versions"] = new JsonArray(version),
                ["preferredVersion"] = version.DeepClone(),
            };
        }).ToArray()),
    };

    private static JsonObject? Resources(string group, string version)
    {
        var resources = ApiResource.All.Where(r => r.Group == group && r.Version == version).ToList();
        if (resources.Count == 0)
        {
            return null;
        }

        var list = new JsonArray();
        foreach (var r in resources)
        {
            list.Add(new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Kind.ToLowerInvariant(),
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                ["shortNames"] = new JsonArray(ShortNames(r.Plural).Select(n => (JsonNode)n).ToArray()),
            });
            if (r.HasStatus)
            {
                list.Add(new JsonObject { ["name"] = r.Plural + "/status", ["singularName"] = string.Empty, ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = list,
        };
    }
}
