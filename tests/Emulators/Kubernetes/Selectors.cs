using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>Label selectors (=, ==, !=, key, !key) and the field selectors the API offers on every type.</summary>
public static class Selectors
{
    public static Func<JsonObject, bool> Parse(string? labelSelector, string? fieldSelector)
    {
        var tests = new List<Func<JsonObject, bool>>();
        foreach (var term in Split(labelSelector))
        {
            tests.Add(Label(term));
        }

        foreach (var term in Split(fieldSelector))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length != 2 || parts[0] is not ("metadata.name" or "metadata.namespace"))
            {
                throw ApiError.BadRequest($"field label not supported: {parts[0]}");
            }

            var field = parts[0]["metadata.".Length..];
            tests.Add(o => ((string?)o["metadata"]?[field] == parts[1]) != negate);
        }

        return o => tests.All(t => t(o));
    }

    private static Func<JsonObject, bool> Label(string term)
    {
        string? Value(JsonObject o, string key) => (string?)o["metadata"]?["labels"]?[key];
        if (term.StartsWith('!'))
        {
            return o => Value(o, term[1..]) is null;
        }

        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var parts = term.Split("!=", 2);
            return o => Value(o, parts[0]) != parts[1];
        }

        if (term.Contains('=', StringComparison.Ordinal))
        {
            var parts = term.Split(term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            return o => Value(o, parts[0]) == parts[1];
        }

        return o => Value(o, term) is not null;
    }

    private static IEnumerable<string> Split(string? selector) =>
        string.IsNullOrWhiteSpace(selector) ? [] : selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
