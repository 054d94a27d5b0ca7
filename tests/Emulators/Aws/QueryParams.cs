using System.Globalization;

namespace CloudIngress.Emulators.Aws;

/// <summary>
/// The form parameters of an AWS Query request. Lists are <c>Name.member.N</c> (ELBv2) or
/// <c>Name.N</c> (EC2), 1-based; structures are <c>List.member.N.Field</c>. A scope is the view
/// below one prefix, so nested structures read like top-level ones.
/// </summary>
internal sealed class QueryParams(IReadOnlyDictionary<string, string> values, bool memberLists, string missingCode, string invalidCode)
{
    public string InvalidCode => invalidCode;

    public string? Get(string name) => values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether the parameter or anything below it was sent.</summary>
    public bool Has(string name) => values.ContainsKey(name) || values.Keys.Any(k => k.StartsWith(name + ".", StringComparison.Ordinal));

    public string Required(string name) => Get(name) is { Length: > 0 } value ? value : throw Missing(name);

    public int RequiredInt(string name, int min, int max) => Int(name, min, max) ?? throw Missing(name);

    public AwsError Missing(string name) => new(missingCode, missingCode == "MissingParameter"
        ? $"The request must contain the parameter {name}"
        : $"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null");

    public int? Int(string name, int min, int max)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new AwsError(invalidCode, $"Value '{text}' at '{name}' failed to satisfy constraint: Member must be between {min} and {max}");
    }

    public bool? Bool(string name) => Get(name) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        var other => throw new AwsError(invalidCode, $"Value '{other}' at '{name}' is not a valid boolean"),
    };

    public string? OneOf(string name, params string[] allowed) => Get(name) switch
    {
        null => null,
        var value when allowed.Contains(value, StringComparer.Ordinal) => value,
        var value => throw new AwsError(invalidCode, $"Value '{value}' at '{name}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]"),
    };

    public IReadOnlyList<string> List(string name) => Indices(name).Select(i => Get(Key(name, i)) ?? string.Empty).ToList();

    public IReadOnlyList<QueryParams> Structs(string name) => Indices(name).Select(i => Scope(Key(name, i))).ToList();

    public QueryParams Scope(string prefix)
    {
        var start = prefix + ".";
        var inner = values.Where(v => v.Key.StartsWith(start, StringComparison.Ordinal)).ToDictionary(v => v.Key[start.Length..], v => v.Value, StringComparer.Ordinal);
        return new QueryParams(inner, memberLists, missingCode, invalidCode);
    }

    /// <summary>Key/Value pairs: <c>Tags.member.N</c> (ELBv2) or <c>Tag.N</c> (EC2).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags(string name) =>
        Structs(name).Select(t => KeyValuePair.Create(t.Required("Key"), t.Get("Value") ?? string.Empty)).ToList();

    private string Key(string name, int index) => memberLists ? $"{name}.member.{index}" : $"{name}.{index}";

    private IEnumerable<int> Indices(string name)
    {
        var start = memberLists ? name + ".member." : name + ".";
        return values.Keys
            .Where(k => k.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k[start.Length..].Split('.')[0])
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i >= 1 ? i : throw new AwsError(invalidCode, $"Invalid list index in '{start}{n}'"))
            .Distinct()
            .Order();
    }
}
