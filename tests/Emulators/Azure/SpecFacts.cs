using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>
/// The facts of the Network REST specification (api-version 2025-07-01) that our request bodies
/// touch, kept as test data in <c>spec-facts.json</c>: property names, types, enums, required
/// properties and read-only ones. ARM's Network provider refuses a member it does not know.
/// </summary>
public static class SpecFacts
{
    private static readonly JsonObject Facts = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Azure", "spec-facts.json")))!.AsObject();

    public static JsonObject Enums => Facts["enums"]!.AsObject();

    public static JsonObject Definitions => Facts["definitions"]!.AsObject();

    /// <summary>Everything in <paramref name="body"/> that the specification does not allow, as <c>path: problem</c>.</summary>
    public static IReadOnlyList<string> Violations(JsonNode? body, string definition, bool allowReadOnly = false)
    {
        var found = new List<string>();
        Check(body, "#" + definition, string.Empty, found, allowReadOnly);
        return found;
    }

    private static void Check(JsonNode? node, string type, string path, List<string> found, bool allowReadOnly)
    {
        if (node is null)
        {
            return;
        }

        switch (type)
        {
            case "string" when node is JsonValue v && v.TryGetValue<string>(out _):
            case "integer" when node is JsonValue i && (i.TryGetValue<int>(out _) || i.TryGetValue<long>(out _)):
            case "boolean" when node is JsonValue b && b.TryGetValue<bool>(out _):
            case "object" when node is JsonObject:
                return;
            case "map" when node is JsonObject map:
                found.AddRange(map.Where(p => p.Value is not JsonValue s || !s.TryGetValue<string>(out _)).Select(p => $"{path}.{p.Key}: tag values are strings"));
                return;
        }

        if (type.StartsWith('[') && node is JsonArray array)
        {
            for (var k = 0; k < array.Count; k++)
            {
                Check(array[k], type[1..^1], $"{path}[{k}]", found, allowReadOnly);
            }

            return;
        }

        if (type.StartsWith('@') && node is JsonValue e && e.TryGetValue<string>(out var value))
        {
            var allowed = Enums[type[1..]]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
            if (!allowed.Contains(value, StringComparer.Ordinal))
            {
                found.Add($"{path}: \"{value}\" is not one of {string.Join(", ", allowed)} ({type[1..]})");
            }

            return;
        }

        if (type.StartsWith('#') && node is JsonObject obj)
        {
            var definition = Definitions[type[1..]]!.AsObject();
            var properties = definition["properties"]!.AsObject();
            var readOnly = (definition["readOnly"] as JsonArray ?? []).Select(x => x!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, child) in obj)
            {
                if (properties[name] is JsonValue childType)
                {
                    Check(child, childType.GetValue<string>(), $"{path}.{name}", found, allowReadOnly);
                }
                else if (!(allowReadOnly && readOnly.Contains(name)))
                {
                    found.Add(readOnly.Contains(name)
                        ? $"{path}.{name}: read-only in {type[1..]}"
                        : $"{path}.{name}: Could not find member '{name}' on object of type '{type[1..]}'");
                }
            }

            foreach (var required in (definition["required"] as JsonArray ?? []).Select(x => x!.GetValue<string>()).Where(r => obj[r] is null))
            {
                found.Add($"{path}.{required}: required by {type[1..]}");
            }

            return;
        }

        found.Add($"{path}: expected {type}");
    }
}
