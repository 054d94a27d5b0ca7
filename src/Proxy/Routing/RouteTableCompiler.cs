using CloudIngress.Core.Annotations;
using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Tls;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// The Kestrel provider's Translate stage: model → route table. Every HTTP frontend is served on
/// the proxy's HTTP and HTTPS ports; when two frontends claim the same host and path, the first
/// (by frontend id) keeps it and the conflict is reported.
/// </summary>
internal sealed class RouteTableCompiler(EndpointRegistry endpoints, TransportFactory transports, ProxyMetrics metrics,
    ProxyOptions options, SslStreamCertificateContext fallbackCertificate)
{
    public RouteTable Compile(GatewayModel model)
    {
        var warnings = new List<string>();
        var pools = model.Backends.ToDictionary(b => b.Id, CompilePool, StringComparer.Ordinal);
        var http = model.Frontends.Where(f => f.Kind == FrontendKind.Http).SelectMany(f => f.Listeners).ToList();
        return new RouteTable
        {
            Model = model,
            Http = CompileListeners(http.Where(l => l.Protocol == ListenerProtocol.Http), pools, "HTTP", warnings),
            Https = CompileListeners(http.Where(l => l.Protocol == ListenerProtocol.Https), pools, "HTTPS", warnings),
            Certificates = CompileCertificates(model, http.Where(l => l.Protocol == ListenerProtocol.Https), warnings),
            Sni = CompileSni(http.Where(l => l.Protocol == ListenerProtocol.Https), pools),
            Backends = [.. pools.Values],
            Warnings = warnings,
        };
    }

    private BackendRuntime CompilePool(BackendPool pool)
    {
        var states = pool.Endpoints.Select(e => endpoints.Get(pool.Id, e.Address, e.Port)).ToArray();
        ILoadBalancingPolicy policy = pool.LoadBalancing switch
        {
            LoadBalancingPolicy.LeastRequest => new LeastRequestPolicy(),
            LoadBalancingPolicy.RandomTwo => new RandomTwoPolicy(),
            _ => new RoundRobinPolicy(),
        };
        return new BackendRuntime(pool, states, policy, transports.Get(TransportKey.For(pool, options.ConnectTimeout)));
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

    private CertificateSelector CompileCertificates(GatewayModel model, IEnumerable<Listener> listeners, List<string> warnings)
    {
        var contexts = new Dictionary<string, SslStreamCertificateContext>(StringComparer.Ordinal);
        foreach (var certificate in model.Certificates)
        {
            try
            {
                contexts[certificate.Id] = Load(certificate);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                warnings.Add($"certificate {certificate.Id} could not be loaded; its hosts get the default certificate");
            }
        }

        var entries = new List<(string, HostMatchKind, SslStreamCertificateContext)>();
        SslStreamCertificateContext? fallback = null;
        foreach (var listener in listeners)
        {
            entries.AddRange(listener.Certificates
                .Where(c => contexts.ContainsKey(c.Certificate))
                .Select(c => (c.Host, HostLookup<SslStreamCertificateContext>.KindOf(c.Host), contexts[c.Certificate])));
            if (fallback is null && listener.DefaultCertificate is { } id && contexts.TryGetValue(id, out var context))
            {
                fallback = context;
            }
        }

        return new CertificateSelector(new HostLookup<SslStreamCertificateContext>(entries), fallback ?? fallbackCertificate);
    }

    /// <summary>Leaf and intermediates from the Secret, sent as the chain; the key stays in memory only.</summary>
    private static SslStreamCertificateContext Load(TlsCertificate certificate)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificate.CertificatePem, certificate.PrivateKeyPem.Reveal());
        // A PKCS#12 round trip gives a key SslStream can use on every platform.
        var leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificate.CertificatePem);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain.Skip(1))
        {
            intermediates.Add(c);
        }

        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
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
