using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Routing;

namespace CloudIngress.Core.Build;

/// <summary>A listener being assembled: first claim wins everywhere, later claims are the caller's conflict to report.</summary>
internal sealed class ListenerDraft(int port, bool https)
{
    private readonly Dictionary<string, (HostMatchKind Kind, Dictionary<(PathMatchKind, string), Route> Routes)> _hosts =
        new(StringComparer.Ordinal);

    private readonly SortedDictionary<string, (string Certificate, ObjectRef Owner)> _sni = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _externalCertificates = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, PassthroughRoute> _passthrough = new(StringComparer.Ordinal);
    private (RouteAction Action, ObjectRef Owner)? _default;
    private (string Certificate, ObjectRef Owner)? _defaultCertificate;

    public int Port => port;

    public bool Https => https;

    /// <summary>Adds the route, or returns the one already holding its host and path.</summary>
    public Route? TryAddRoute(string host, HostMatchKind kind, Route route)
    {
        if (!_hosts.TryGetValue(host, out var vhost))
        {
            _hosts[host] = vhost = (kind, new Dictionary<(PathMatchKind, string), Route>());
        }

        return vhost.Routes.TryAdd((route.PathType, route.Path), route) ? null : vhost.Routes[(route.PathType, route.Path)];
    }

    public Route? FindRoute(string host, PathMatchKind kind, string path) =>
        _hosts.TryGetValue(host, out var vhost) ? vhost.Routes.GetValueOrDefault((kind, path)) : null;

    public void ReplaceRoute(string host, Route route) => _hosts[host].Routes[(route.PathType, route.Path)] = route;

    public void TrySetDefault(RouteAction action, ObjectRef owner) => _default ??= (action, owner);

    public ObjectRef? TryAddCertificate(string? host, string certificate, ObjectRef owner)
    {
        if (host is null)
        {
            _defaultCertificate ??= (certificate, owner);
            return _defaultCertificate.Value.Certificate == certificate ? null : _defaultCertificate.Value.Owner;
        }

        if (_sni.TryAdd(host, (certificate, owner)))
        {
            return null;
        }

        return _sni[host].Certificate == certificate ? null : _sni[host].Owner;
    }

    public void AddExternalCertificates(IEnumerable<string> arns) => _externalCertificates.UnionWith(arns);

    public PassthroughRoute? TryAddPassthrough(PassthroughRoute route) =>
        _passthrough.TryAdd(route.Host, route) ? null : _passthrough[route.Host];

    public Listener Build() => new()
    {
        Port = port,
        Protocol = https ? ListenerProtocol.Https : ListenerProtocol.Http,
        VirtualHosts = _hosts
            .OrderBy(h => h.Value.Kind)
            .ThenBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new VirtualHost
            {
                Host = h.Key,
                Match = h.Value.Kind,
                Routes = h.Value.Routes.Values.Order(Comparer<Route>.Create(Paths.ComparePrecedence)).ToList(),
            })
            .ToList(),
        DefaultAction = _default?.Action,
        Certificates = _sni
            .OrderBy(c => c.Key.StartsWith('*') ? 1 : 0)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new SniCertificate(c.Key, c.Value.Certificate))
            .ToList(),
        DefaultCertificate = _defaultCertificate?.Certificate,
        ExternalCertificates = [.. _externalCertificates],
        Passthrough = [.. _passthrough.Values],
    };
}
