namespace CloudIngress.Providers.Azure.Naming;

/// <summary>
/// The ownership tags on every resource we create; listing and garbage collection go by these
/// alone. Azure refuses <c>/</c> in tag names (and <c>&lt; &gt; % &amp; \ ?</c>), so the
/// project's <c>cloudingress.io/cluster</c> is spelled <c>cloudingress.io_cluster</c> here.
/// </summary>
public static class AzureTags
{
    public const string Cluster = "cloudingress.io_cluster";
    public const string Stack = "cloudingress.io_stack";
    public const string Resource = "cloudingress.io_resource";

    /// <summary>Azure tag values: at most 256 characters.</summary>
    public const int MaxValueLength = 256;

    public static IReadOnlyDictionary<string, string> For(string cluster, string stack, string resource) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [Cluster] = Value(cluster),
        [Stack] = Value(stack),
        [Resource] = Value(resource),
    };

    public static bool OwnedBy(IReadOnlyDictionary<string, string> tags, string cluster) =>
        tags.TryGetValue(Cluster, out var owner) && owner == Value(cluster);

    /// <summary>An overlong value keeps its start and ends in a hash of the whole, so two never collide.</summary>
    public static string Value(string value) =>
        value.Length <= MaxValueLength ? value : $"{value[..(MaxValueLength - AzureNamesHashLength - 1)]}-{AzureNames.Hash(value)}";

    private const int AzureNamesHashLength = 10;
}
