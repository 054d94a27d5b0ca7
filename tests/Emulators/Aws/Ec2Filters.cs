using System.Text.RegularExpressions;
using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>EC2 <c>Filter.N.Name</c>/<c>Filter.N.Value.M</c>: values are ORed, filters ANDed, <c>*</c> and <c>?</c> are wildcards; tag-key and tag:KEY work everywhere.</summary>
internal sealed class Ec2Filters
{
    private readonly List<(string Name, List<Regex> Values)> _filters;

    public Ec2Filters(QueryParams p, params string[] names)
    {
        _filters = p.Structs("Filter").Select(f => (Name: f.Required("Name"), Values: f.List("Value").Select(Pattern).ToList())).ToList();
        foreach (var (name, _) in _filters)
        {
            if (!names.Contains(name, StringComparer.Ordinal) && name != "tag-key" && !name.StartsWith("tag:", StringComparison.Ordinal))
            {
                throw new AwsError("InvalidParameterValue", $"The filter '{name}' is invalid");
            }
        }
    }

    public bool Match(IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<string, string> fields) => _filters.All(f =>
        f.Name == "tag-key" ? tags.Keys.Any(k => f.Values.Any(v => v.IsMatch(k)))
        : f.Name.StartsWith("tag:", StringComparison.Ordinal) ? tags.TryGetValue(f.Name[4..], out var tag) && f.Values.Any(v => v.IsMatch(tag))
        : fields.TryGetValue(f.Name, out var field) && f.Values.Any(v => v.IsMatch(field)));

    /// <summary>A paged EC2 list: <c>MaxResults</c> (5-1000) and <c>NextToken</c>.</summary>
    public static (List<T> Page, XElement? NextToken) Page<T>(IReadOnlyList<T> all, QueryParams p, int defaultSize)
    {
        var (page, next) = Paging.Take(all, p.Get("NextToken"), p.Int("MaxResults", 5, 1000), defaultSize, "InvalidParameterValue");
        return (page, Opt("nextToken", next));
    }

    /// <summary>The resources asked for by id (each must exist), or all.</summary>
    public static IEnumerable<T> Selected<T>(IReadOnlyList<string> ids, OrderedDictionary<string, T> all, string notFound, string what)
    {
        var missing = ids.Where(id => !all.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw new AwsError(notFound, $"The {what} '{string.Join(", ", missing)}' does not exist");
        }

        return ids.Count == 0 ? all.Values : ids.Distinct().Select(id => all[id]);
    }

    public static XElement? TagSet(IReadOnlyDictionary<string, string> tags) =>
        tags.Count == 0 ? null : Items("tagSet", tags.Select(t => new object[] { E("key", t.Key), E("value", t.Value) }));

    private static Regex Pattern(string value) =>
        new("^" + Regex.Escape(value).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
