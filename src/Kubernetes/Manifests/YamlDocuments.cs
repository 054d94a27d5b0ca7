using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CloudIngress.Kubernetes.Manifests;

/// <summary>One YAML document of a multi-document file, as JSON, with where it starts.</summary>
internal sealed record YamlDocumentText(int Index, int FirstLine, string Text);

/// <summary>
/// Splits multi-document YAML the way Kubernetes' own reader does (a line that is <c>---</c>
/// and nothing else), so a broken document spoils only itself, then converts each document to
/// JSON with YAML 1.2 core-schema scalars: quoted values are strings, plain ones may be
/// numbers, booleans or null.
/// </summary>
internal static partial class YamlDocuments
{
    public static IEnumerable<YamlDocumentText> Split(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = 0;
        var index = 0;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i < lines.Length && !IsSeparator(lines[i]))
            {
                continue;
            }

            var chunk = string.Join('\n', lines[start..i]);
            if (chunk.Split('\n').Any(l => l.Trim() is { Length: > 0 } t && t[0] != '#' && t != "..."))
            {
                yield return new YamlDocumentText(++index, start + 1, chunk);
            }

            start = i + 1;
        }
    }

    /// <summary>Parses one document to JSON; syntax errors throw <see cref="YamlException"/> with the position.</summary>
    public static JsonNode? ToJson(string document)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(document));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static bool IsSeparator(string line) =>
        line.StartsWith("---", StringComparison.Ordinal) && line[3..].Trim().Length == 0;

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => null,
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value
                ?? throw new YamlException(key.Start, key.End, "mapping keys must be plain strings");
            result[name] = Convert(value);
        }

        return result;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return scalar.Tag.IsEmpty || scalar.Tag.Value == "tag:yaml.org,2002:str" ? JsonValue.Create(value) : TaggedScalar(scalar, value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    private static JsonValue? TaggedScalar(YamlScalarNode scalar, string value) => scalar.Tag.Value switch
    {
        "tag:yaml.org,2002:int" when long.TryParse(value, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
        "tag:yaml.org,2002:bool" when bool.TryParse(value, out var b) => JsonValue.Create(b),
        "tag:yaml.org,2002:null" => null,
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
