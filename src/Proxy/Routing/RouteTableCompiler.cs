using CloudIngress.Core.Annotations;
using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Tls;
using System.Net;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// The Kestrel provider's Translate stage: model → route table. Every HTTP frontend is served on
/// the proxy's HTTP and HTTPS ports, every L4 frontend's TCP port on a port of its own; when two frontends claim the same host and path, the first
/// (by frontend id) keeps it and the conflict is reported. Pure: the table names its transports,
/// endpoints and certificates by key and creates none of them (no handler, socket, timer or
/// loaded key); <see cref="ProxyState"/> binds them when the table is swapped in.
/// </summary>
internal sealed class RouteTableCompiler(ProxyMetrics metrics, ProxyOptions options)
{
    public RouteTable Compile(GatewayModel model)
    {
        var warnings = new List<string>();
        var pools = model.Backends.ToDictionary(b => b.Id, CompilePool, StringComparer.Ordinal);
        var http = model.Frontends.Where(f => f.Kind == FrontendKind.Http).SelectMany(f => f.Listeners).ToList();
        var (l4, udp) = CompileL4(model, pools, warnings);
        return new RouteTable
        {
            Model = model,
            Http = CompileListeners(http.Where(l => l.Protocol == ListenerProtocol.Http), pools, "HTTP", warnings),
            Https = CompileListeners(http.Where(l => l.Protocol == ListenerProtocol.Https), pools, "HTTPS", warnings),
            Tls = CompileCertificates(model, http.Where(l => l.Protocol == ListenerProtocol.Https)),
            Sni = CompileSni(http.Where(l => l.Protocol == ListenerProtocol.Https), pools),
            Backends = [.. pools.Values],
            L4 = l4,
            L4Udp = udp,
            Warnings = warnings,
        };
    }

    private BackendRuntime CompilePool(BackendPool pool)
    {
        ILoadBalancingPolicy policy = pool.LoadBalancing switch
        {
            LoadBalancingPolicy.LeastRequest => new LeastRequestPolicy(),
            LoadBalancingPolicy.RandomTwo => new RandomTwoPolicy(),
            _ => new RoundRobinPolicy(),
        };
        return new BackendRuntime(pool, policy, TransportKey.For(pool, options.ConnectTimeout));
    }

    private HostTable CompileListeners(IEnumerable<Listener> listeners, Dictionary<string, BackendRuntime> pools, string protocol, List<string> warnings)
    {
        var hosts = new Dictionary<string, (HostMatchKind Kind, List<Route> Routes)>(StringComparer.Ordinal);
        RouteAction? defaultAction = null;
        foreach (var listener in listeners)
        {
            defaultAction ??= listener.DefaultAction;
            foreach (var vhost in listener.VirtualHosts)
            {
                if (!hosts.TryGetValue(vhost.Host, out var entry))
                {
                    hosts[vhost.Host] = entry = (vhost.Match, []);
                }

                foreach (var route in vhost.Routes)
                {
                    if (entry.Routes.Any(r => r.PathType == route.PathType && r.Path == route.Path && r.Id != route.Id))
                    {
                        warnings.Add($"{protocol} host {vhost.Host} {route.PathType} {route.Path} of {route.Source} is also served by another frontend; the first one is used");
                    }
                    else if (!entry.Routes.Any(r => r.Id == route.Id && r.PathType == route.PathType && r.Path == route.Path))
                    {
                        entry.Routes.Add(route);
                    }
                }
            }
        }

        var compiled = hosts.Select(h => (h.Key, h.Value.Kind, h.Value.Routes
            .Order(Comparer<Route>.Create(Core.Routing.Paths.ComparePrecedence))
            .Select(r => CompileRoute(r, h.Key, pools))
            .ToArray()));
        return new HostTable(new HostLookup<CompiledRoute[]>(compiled),
            defaultAction is null ? CompiledAction.NotFound : CompileAction(defaultAction, pools),
            metrics.ForRoute("default", "*"));
    }

    private CompiledRoute CompileRoute(Route route, string host, Dictionary<string, BackendRuntime> pools) => new()
    {
        Id = route.Id,
        Kind = route.PathType,
        Path = route.Path,
        Action = CompileAction(route.Action, pools),
        Metrics = metrics.ForRoute(route.Id, host),
        Policy = route.Policy is null ? null : new EdgePolicy(route.Policy),
    };

    private static CompiledAction CompileAction(RouteAction action, Dictionary<string, BackendRuntime> pools) => action.Kind switch
    {
        RouteActionKind.Forward => new CompiledAction
        {
            Kind = RouteActionKind.Forward,
            Backends = action.Backends!.Select(b => (pools[b.Backend], b.Weight)).ToArray(),
            TotalWeight = action.Backends!.Sum(b => b.Weight),
            Canary = action.Canary is { } c ? new CompiledCanary(pools[c.Backend], c.Weight, c.Header, c.HeaderValue) : null,
        },
        RouteActionKind.Redirect => new CompiledAction { Kind = RouteActionKind.Redirect, StatusCode = action.StatusCode ?? 308, RedirectPort = action.RedirectPort ?? 443 },
        _ => new CompiledAction { Kind = RouteActionKind.FixedResponse, StatusCode = action.StatusCode ?? 404 },
    };

    private static CertificatePlan CompileCertificates(GatewayModel model, IEnumerable<Listener> listeners)
    {
        var list = listeners.ToList();
        return new CertificatePlan(
            [.. list.SelectMany(l => l.Certificates).Select(c => (c.Host, HostLookup<object>.KindOf(c.Host), c.Certificate))],
            [.. list.Select(l => l.DefaultCertificate).OfType<string>()],
            model.Certificates.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => CertificateKey.Of(g.Last()), StringComparer.Ordinal));
    }

    /// <summary>One route per TCP port of the L4 frontends; the first frontend by id keeps a port two of them claim.</summary>
    private static (Dictionary<int, L4Route>, List<L4UdpPort>) CompileL4(GatewayModel model, Dictionary<string, BackendRuntime> pools, List<string> warnings)
    {
        var tcp = new Dictionary<int, L4Route>();
        var udp = new List<L4UdpPort>();
        foreach (var frontend in model.Frontends.Where(f => f.Kind == FrontendKind.L4).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var sources = frontend.SourceRanges?.Select(IPNetwork.Parse).ToArray();
            foreach (var listener in frontend.Listeners)
            {
                if (listener.Protocol == ListenerProtocol.Udp)
                {
                    udp.Add(new L4UdpPort(frontend.Name, listener.Port));
                    continue;
                }

                if (listener.Protocol != ListenerProtocol.Tcp || listener.Backend is null || !pools.TryGetValue(listener.Backend, out var pool))
                {
                    continue;
                }

                if (!tcp.TryAdd(listener.Port, new L4Route { FrontendId = frontend.Id, Service = frontend.Name, Port = listener.Port, Backend = pool, AllowedSources = sources }))
                {
                    warnings.Add($"TCP port {listener.Port} of Service {frontend.Name} is also claimed by Service {tcp[listener.Port].Service}; the first one is served");
                }
            }
        }

        return (tcp, udp);
    }

    private static HostLookup<SniDecision> CompileSni(IEnumerable<Listener> listeners, Dictionary<string, BackendRuntime> pools)
    {
        var list = listeners.ToList();
        var passthrough = list.SelectMany(l => l.Passthrough)
            .Select(p => (p.Host, HostLookup<SniDecision>.KindOf(p.Host),
                new SniDecision(pools[p.Backend], p.SourceRanges?.Select(IPNetwork.Parse).ToArray())));
        if (!passthrough.Any())
        {
            return new HostLookup<SniDecision>([]);
        }

        // Terminated hosts are entries too, so that an exact terminated host beats a passthrough wildcard.
        var terminated = list.SelectMany(l => l.VirtualHosts.Select(v => v.Host).Concat(l.Certificates.Select(c => c.Host)))
            .Select(h => (h, HostLookup<SniDecision>.KindOf(h), SniDecision.Terminate));
        return new HostLookup<SniDecision>(passthrough.Concat(terminated));
    }
}
