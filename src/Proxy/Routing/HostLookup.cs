using CloudIngress.Core.Model;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// Host → value with Ingress semantics: exact (case-insensitive), then single-label wildcard,
/// then catch-all. Used for routes, SNI certificates and passthrough hosts. Lookups allocate nothing.
/// </summary>
internal sealed class HostLookup<T>
    where T : class
{
    private readonly Dictionary<string, T> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T> _wildcard = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly T? _any;

    /// <summary>First entry per host wins.</summary>
    public HostLookup(IEnumerable<(string Host, HostMatchKind Kind, T Value)> entries)
    {
        foreach (var (host, kind, value) in entries)
        {
            switch (kind)
            {
                case HostMatchKind.Exact:
                    _exact.TryAdd(host, value);
                    break;
                case HostMatchKind.Wildcard:
                    _wildcard.TryAdd(host[1..], value); // "*.foo.com" is stored as ".foo.com"
                    break;
                default:
                    _any ??= value;
                    break;
            }
        }

        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardLookup = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _exact.Count + _wildcard.Count + (_any is null ? 0 : 1);

    public static HostMatchKind KindOf(string host) =>
        host == "*" ? HostMatchKind.Any : host.StartsWith("*.", StringComparison.Ordinal) ? HostMatchKind.Wildcard : HostMatchKind.Exact;

    /// <summary>The value for a host (any case, optional trailing dot), or the catch-all, or null.</summary>
    public T? Find(ReadOnlySpan<char> host)
    {
        if (host.EndsWith("."))
        {
            host = host[..^1];
        }

        if (_exact.Count > 0 && _exactLookup.TryGetValue(host, out var exact))
        {
            return exact;
        }

        var dot = host.IndexOf('.');
        if (dot > 0 && _wildcard.Count > 0 && _wildcardLookup.TryGetValue(host[dot..], out var wildcard))
        {
            return wildcard;
        }

        return _any;
    }

    /// <summary>Like <see cref="Find"/>, without falling back to the catch-all.</summary>
    public T? FindSpecific(ReadOnlySpan<char> host) => Find(host) is { } value && !ReferenceEquals(value, _any) ? value : null;
}
