using System.Text.RegularExpressions;

namespace CloudIngress.Emulators.Aws;

/// <summary>Name rules shared by load balancers and target groups.</summary>
internal static partial class ElbV2Names
{
    public static void Check(string name, string what)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new AwsError("ValidationError", $"{what} name '{name}' must be 1-32 alphanumeric characters or hyphens, and must not begin or end with a hyphen");
        }

        if (what == "Load balancer" && name.StartsWith("internal-", StringComparison.OrdinalIgnoreCase))
        {
            throw new AwsError("ValidationError", $"Load balancer name '{name}' cannot begin with 'internal-'");
        }
    }

    /// <summary>Tag keys in one request must be distinct, as ELBv2 checks before anything else.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Tags(QueryParams p, IReadOnlyDictionary<string, string>? existing = null)
    {
        var tags = p.Tags("Tags");
        if (tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            throw new AwsError("DuplicateTagKeys", "A tag key was specified more than once");
        }

        TagRules.Check(existing, tags, "TooManyTags", "ValidationError");
        return tags;
    }

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$")]
    private static partial Regex NamePattern();
}
