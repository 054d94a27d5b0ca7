using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Deploy;

/// <summary>
/// Whether what ARM returns already holds what we would PUT: every field we set has the same
/// value there, and fields only the server fills (defaults, ids, etags, provisioning states) are
/// ignored. Arrays of named children must hold the same names; other arrays the same items in
/// order. Certificate <c>data</c> and <c>password</c> never come back, so they are not compared.
/// </summary>
public static class JsonSubset
{
    public static bool Covers(JsonNode? actual, JsonNode? desired, string? key = null) => desired switch
    {
        null => true,
        JsonObject d => actual is JsonObject a && d.All(p => Field(a, p.Key, p.Value)),
        JsonArray d => actual is JsonArray a && Array(a, d),
        JsonValue d => actual is JsonValue a && Value(a, d, key),
        _ => false,
    };

    private static bool Field(JsonObject actual, string name, JsonNode? desired)
    {
        // Write-only: a PFX password never comes back, a PFX only as publicCertData.
        if (name == "password" || (name == "data" && !actual.ContainsKey(name)))
        {
            return true;
        }

        return actual.TryGetPropertyValue(name, out var value) ? Covers(value, desired, name) : desired is null;
    }

    private static bool Array(JsonArray actual, JsonArray desired)
    {
        if (actual.Count != desired.Count)
        {
            return false;
        }

        if (desired.All(d => d is JsonObject o && o["name"] is JsonValue))
        {
            var byName = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in actual)
            {
                if (item is JsonObject o && o["name"]?.GetValue<string>() is { } name)
                {
                    byName[name] = item;
                }
            }

            return desired.All(d => byName.TryGetValue(d!["name"]!.GetValue<string>(), out var a) && Covers(a, d));
        }

        return actual.Zip(desired).All(p => Covers(p.First, p.Second));
    }

    /// <summary>ARM ids and locations are case-insensitive; ARM writes locations without spaces.</summary>
    private static bool Value(JsonValue actual, JsonValue desired, string? key)
    {
        // Most leaves compare as they are, without making strings of them.
        if (key is not ("id" or "location") || JsonNode.DeepEquals(actual, desired))
        {
            return JsonNode.DeepEquals(actual, desired);
        }

        return actual.TryGetValue<string>(out var a) && desired.TryGetValue<string>(out var d) && (key == "id"
            ? string.Equals(a, d, StringComparison.OrdinalIgnoreCase)
            : string.Equals(a.Replace(" ", string.Empty, StringComparison.Ordinal), d.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
    }
}
