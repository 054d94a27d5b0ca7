using CloudIngress.Core.Model;

namespace CloudIngress.Core.Routing;

/// <summary>Ingress path semantics: validation, normalization, matching and precedence.</summary>
public static class Paths
{
    /// <summary>
    /// Maps a pathType to how we match it. ImplementationSpecific is matched as Prefix: that is
    /// what it means for most controllers and what users expect (docs/model.md).
    /// </summary>
    public static bool TryParsePathType(string? pathType, out PathMatchKind kind)
    {
        kind = pathType switch
        {
            "Exact" => PathMatchKind.Exact,
            _ => PathMatchKind.Prefix,
        };
        return pathType is "Exact" or "Prefix" or "ImplementationSpecific";
    }

    /// <summary>An absolute path without query, fragment, whitespace or control characters.</summary>
    public static bool IsValid(string? path) =>
        !string.IsNullOrEmpty(path) && path[0] == '/'
        && !path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#');

    /// <summary>Prefix paths ignore a trailing slash: <c>/foo/</c> is <c>/foo</c>.</summary>
    public static string Normalize(string path, PathMatchKind kind)
    {
        if (kind == PathMatchKind.Exact)
        {
            return path;
        }

        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>
    /// Element-wise prefix match: <c>/foo</c> matches <c>/foo</c>, <c>/foo/</c> and <c>/foo/bar</c>,
    /// not <c>/foobar</c>. Exact is a case-sensitive comparison of the whole path.
    /// </summary>
    public static bool Matches(string rulePath, PathMatchKind kind, ReadOnlySpan<char> requestPath)
    {
        if (kind == PathMatchKind.Exact)
        {
            return requestPath.SequenceEqual(rulePath);
        }

        if (rulePath.Length == 1)
        {
            return true; // "/" matches everything
        }

        return requestPath.StartsWith(rulePath, StringComparison.Ordinal)
            && (requestPath.Length == rulePath.Length || requestPath[rulePath.Length] == '/');
    }

    /// <summary>
    /// Kubernetes precedence: the longest path first, Exact before Prefix at equal length; then
    /// path and id, so the order is total and independent of input order.
    /// </summary>
    public static int ComparePrecedence(Route a, Route b)
    {
        var c = b.Path.Length.CompareTo(a.Path.Length);
        if (c == 0)
        {
            c = a.PathType.CompareTo(b.PathType);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.Path, b.Path);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }
}
