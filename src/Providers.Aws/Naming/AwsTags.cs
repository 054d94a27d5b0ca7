namespace CloudIngress.Providers.Aws.Naming;

/// <summary>
/// The ownership tags every AWS resource we create carries; listing and garbage collection go by
/// these alone. <c>cluster</c> says whose, <c>stack</c> which frontend, <c>resource</c> which
/// desired resource it is (the key desired and actual are matched by).
/// </summary>
public static class AwsTags
{
    public const string Cluster = "cloudingress.io/cluster";
    public const string Stack = "cloudingress.io/stack";
    public const string Resource = "cloudingress.io/resource";

    /// <summary>AWS tag values: at most 256 characters of letters, digits, spaces and <c>_ . : / = + - @</c>.</summary>
    public const int MaxValueLength = 256;

    public static IReadOnlyDictionary<string, string> For(string cluster, string stack, string resource) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [Cluster] = Value(cluster),
        [Stack] = Value(stack),
        [Resource] = Value(resource),
    };

    /// <summary>True when the tags say <paramref name="cluster"/> owns the resource.</summary>
    public static bool OwnedBy(IReadOnlyDictionary<string, string> tags, string cluster) =>
        tags.TryGetValue(Cluster, out var owner) && owner == Value(cluster);

    /// <summary>
    /// Characters AWS refuses in tag values become <c>_</c>; an overlong value keeps its start and
    /// ends in a hash of the whole, so two long values never collide.
    /// </summary>
    public static string Value(string value)
    {
        var clean = new string([.. value.Select(c => char.IsAsciiLetterOrDigit(c) || " _.:/=+-@".Contains(c, StringComparison.Ordinal) ? c : '_')]);
        if (clean.Length <= MaxValueLength)
        {
            return clean;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..16];
        return $"{clean[..(MaxValueLength - 17)]}-{hash}";
    }
}
