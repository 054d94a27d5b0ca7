using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>What ARM checks of every resource we emulate: names, tags, unique child names, references that resolve.</summary>
internal static class ArmRules
{
    private static readonly char[] BadTagCharacters = ['<', '>', '%', '&', '\\', '?', '/'];

    public static void Name(string name)
    {
        if (name.Length is 0 or > 80 || !char.IsAsciiLetterOrDigit(name[0]) || !(char.IsAsciiLetterOrDigit(name[^1]) || name[^1] == '_')
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw new ArmError(400, "InvalidResourceName", $"Resource name {name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.");
        }
    }

    public static void Tags(JsonObject body)
    {
        foreach (var (name, value) in body["tags"] as JsonObject ?? [])
        {
            if (name.Length > 512 || name.IndexOfAny(BadTagCharacters) >= 0)
            {
                throw new ArmError(400, "InvalidTagNameCharacters", $"The tag names '{name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.");
            }

            if (value?.ToString().Length > 256)
            {
                throw new ArmError(400, "InvalidTagValueLength", $"The tag value of '{name}' is longer than 256 characters.");
            }
        }
    }

    /// <summary>Child names are unique within their collection (ARM compares names case-insensitively).</summary>
    public static void UniqueChildren(JsonObject properties, params string[] collections)
    {
        foreach (var collection in collections)
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var child in Children(properties, collection))
            {
                var name = child["name"]?.GetValue<string>();
                if (name is null)
                {
                    throw new ArmError(400, "InvalidRequestFormat", $"properties.{collection}: every item needs a name");
                }

                Name(name);
                if (!names.Add(name))
                {
                    throw new ArmError(400, "DuplicateResourceName", $"properties.{collection} holds two items named {name}; names must be unique within a collection.");
                }
            }
        }
    }

    /// <summary>Every reference into this resource names a child that exists in the collection it points at.</summary>
    public static void References(JsonObject properties, string resourceId)
    {
        foreach (var (path, id) in Ids(properties, "properties"))
        {
            if (!id.StartsWith(resourceId + "/", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = id[(resourceId.Length + 1)..].Split('/');
            if (rest.Length != 2 || !Children(properties, rest[0]).Any(c => string.Equals(c["name"]?.GetValue<string>(), rest[1], StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArmError(400, "InvalidResourceReference", $"Resource {id} referenced by {path} was not found.");
            }
        }
    }

    public static IEnumerable<JsonObject> Children(JsonObject properties, string collection) =>
        (properties[collection] as JsonArray ?? []).OfType<JsonObject>();

    public static string? Ref(JsonNode? node, string property) => node?["properties"]?[property]?["id"]?.GetValue<string>();

    private static IEnumerable<(string Path, string Id)> Ids(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "id" && value is JsonValue v && v.TryGetValue<string>(out var id) && path.Contains('.', StringComparison.Ordinal))
                    {
                        yield return (path, id);
                    }
                    else
                    {
                        foreach (var found in Ids(value, $"{path}.{key}"))
                        {
                            yield return found;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var k = 0; k < a.Count; k++)
                {
                    foreach (var found in Ids(a[k], $"{path}[{k}]"))
                    {
                        yield return found;
                    }
                }

                break;
        }
    }
}
