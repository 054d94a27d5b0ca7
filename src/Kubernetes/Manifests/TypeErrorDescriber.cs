using CloudIngress.Core.Resources;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace CloudIngress.Kubernetes.Manifests;

/// <summary>
/// Turns a deserialization failure into "field X: expected an integer, found a string" by
/// walking the type metadata along the JSON path the serializer reports.
/// </summary>
internal static partial class TypeErrorDescriber
{
    public static string Describe(JsonException exception, JsonNode document, JsonTypeInfo root, bool revealValues)
    {
        var segments = Segments(exception.Path ?? "$").ToList();
        var field = Format(segments);
        var expected = ExpectedAt(root, segments);
        var found = FoundAt(document, segments, revealValues);
        return expected is null
            ? $"field {field}: has the wrong type"
            : $"field {field}: expected {expected}, found {found}";
    }

    private static IEnumerable<object> Segments(string path)
    {
        foreach (Match match in SegmentPattern().Matches(path))
        {
            if (match.Groups["index"].Success)
            {
                yield return int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                yield return match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["name"].Value;
            }
        }
    }

    private static string Format(List<object> segments)
    {
        var text = string.Concat(segments.Select(s => s switch
        {
            int i => $"[{i}]",
            string name when name.Contains('.', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) => $"[{name}]",
            _ => $".{s}",
        }));
        return text.TrimStart('.');
    }

    private static string? ExpectedAt(JsonTypeInfo root, List<object> segments)
    {
        var type = root.Type;
        foreach (var segment in segments)
        {
            var info = KubernetesJsonContext.Default.GetTypeInfo(Unwrap(type));
            type = info?.Kind switch
            {
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => info.ElementType,
                JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => p.Name == segment as string)?.PropertyType,
                _ => null,
            };
            if (type is null)
            {
                return null;
            }
        }

        type = Unwrap(type);
        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(string) => "a string (quote it in YAML)",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(IntOrString) => "an integer or a string",
            _ when type == typeof(DateTimeOffset) => "an RFC 3339 timestamp",
            _ => KubernetesJsonContext.Default.GetTypeInfo(type)?.Kind switch
            {
                JsonTypeInfoKind.Enumerable => "a list",
                JsonTypeInfoKind.Dictionary => "a map",
                JsonTypeInfoKind.Object => "an object",
                _ => null,
            },
        };
    }

    private static string FoundAt(JsonNode document, List<object> segments, bool revealValues)
    {
        JsonNode? node = document;
        foreach (var segment in segments)
        {
            node = segment is int i ? (node as JsonArray)?.ElementAtOrDefault(i) : (node as JsonObject)?[(string)segment];
        }

        if (node is null)
        {
            return "null";
        }

        var kind = node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            _ => "null",
        };
        if (!revealValues || node is JsonObject or JsonArray)
        {
            return kind;
        }

        var text = node.ToJsonString();
        return $"{kind} {(text.Length > 40 ? text[..40] + "…" : text)}";
    }

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    [GeneratedRegex(@"\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]|\.?(?<name>[^.\[\]$]+)")]
    private static partial Regex SegmentPattern();
}
