using CloudIngress.Core.Routing;
using CloudIngress.Proxy.Observability;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// Routes of one listener: the host picks a virtual host (exact → wildcard → catch-all), then the
/// first route whose path matches wins (routes are stored in Kubernetes precedence order).
/// </summary>
internal sealed class HostTable(HostLookup<CompiledRoute[]> hosts, CompiledAction defaultAction, RouteMetrics defaultMetrics)
{
    public static readonly HostTable Empty =
        new(new HostLookup<CompiledRoute[]>([]), CompiledAction.NotFound, new RouteMetrics("none", "*"));

    public CompiledAction DefaultAction => defaultAction;

    public RouteMetrics DefaultMetrics => defaultMetrics;

    public int HostCount => hosts.Count;

    /// <summary>The matching route, or null when no host matches or the host matches but no path does.</summary>
    public CompiledRoute? Match(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        var routes = hosts.Find(host);
        if (routes is null)
        {
            return null;
        }

        foreach (var route in routes)
        {
            if (Paths.Matches(route.Path, route.Kind, path))
            {
                return route;
            }
        }

        return null;
    }
}
