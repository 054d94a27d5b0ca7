using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Tls;
using System.Net.Security;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// The live route table. <see cref="Apply"/> compiles a model, binds the resources it names
/// (reusing those the running tables already hold), and swaps it in with one reference exchange:
/// requests already running finish on the table they started with, new ones see the new one, and
/// nothing is dropped. A table's resources are let go when it is no longer current and the last
/// request, stream or connection that held it is done; a resource no table holds is disposed.
/// </summary>
internal sealed class ProxyState : IDisposable
{
    private readonly RouteTableCompiler _compiler;
    private readonly SharedResources<(string Pool, string Address, int Port), EndpointState> _endpoints =
        new(key => new EndpointState(key.Address, key.Port), state => state.Dispose());
    private readonly SharedResources<TransportKey, UpstreamTransport> _transports;
    private readonly SharedResources<CertificateKey, SslStreamCertificateContext> _certificates;
    private readonly Shared<SslStreamCertificateContext> _fallbackCertificate;
    private RouteTable _current;

    public ProxyState(ProxyOptions options, ProxyMetrics metrics, SslStreamCertificateContext fallbackCertificate, TransportFactory? transports = null)
    {
        Transports = transports ?? new TransportFactory();
        _transports = new(Transports.Create, transport => transport.Invoker.Dispose());
        _certificates = new(ServerCertificate.Load, ServerCertificate.Release);
        _fallbackCertificate = Shared<SslStreamCertificateContext>.Forever(fallbackCertificate);
        _compiler = new RouteTableCompiler(metrics, options);
        _current = _compiler.Compile(new GatewayModel());
        Bind(_current);
    }

    public TransportFactory Transports { get; }

    /// <summary>Transports alive because some table (or a request on one) holds them.</summary>
    public int LiveTransports => _transports.Count;

    /// <summary>Server certificates loaded and held by some table or connection (the fallback not counted).</summary>
    public int LoadedCertificates => _certificates.Count;

    /// <summary>The current table, for reads that hold no resource (metrics, tests). Requests use <see cref="Acquire"/>.</summary>
    public RouteTable Current => Volatile.Read(ref _current);

    /// <summary>The current table, held until <see cref="RouteTable.Release"/>: its resources stay alive until then.</summary>
    public RouteTable Acquire()
    {
        while (true)
        {
            var table = Volatile.Read(ref _current);
            if (table.TryRetain())
            {
                return table;
            }

            // Retired and drained between the read and the retain: a newer one is current.
        }
    }

    /// <summary>Compiles, binds and swaps in a model; returns what the merge onto the proxy's listeners had to say.</summary>
    public IReadOnlyList<string> Apply(GatewayModel model)
    {
        var table = _compiler.Compile(model);
        var warnings = Bind(table);
        var previous = Interlocked.Exchange(ref _current, table);
        previous.Release(); // the state's own hold: the table goes once its last user is done
        return [.. table.Warnings, .. warnings];
    }

    public void Dispose()
    {
        Volatile.Read(ref _current).Release();
        _transports.Dispose();
        _endpoints.Dispose();
        _certificates.Dispose();
    }

    /// <summary>Gives the table its live resources; returns the certificates that could not be loaded.</summary>
    private List<string> Bind(RouteTable table)
    {
        var held = new List<Action>();
        foreach (var backend in table.Backends)
        {
            var endpoints = backend.Model.Endpoints.Select(e => _endpoints.Acquire((backend.Id, e.Address, e.Port))).ToList();
            var transport = _transports.Acquire(backend.TransportKey);
            backend.Bind([.. endpoints.Select(e => e.Value)], transport.Value);
            held.AddRange(endpoints.Select(e => (Action)e.Release));
            held.Add(transport.Release);
        }

        var (certificates, warnings) = BindCertificates(table.Tls, held);
        table.Bind(certificates, () => held.ForEach(release => release()));
        return warnings;
    }

    private (CertificateSelector, List<string>) BindCertificates(CertificatePlan plan, List<Action> held)
    {
        var warnings = new List<string>();
        var loaded = new Dictionary<string, Shared<SslStreamCertificateContext>>(StringComparer.Ordinal);
        foreach (var (id, key) in plan.Certificates)
        {
            try
            {
                var certificate = _certificates.Acquire(key);
                loaded[id] = certificate;
                held.Add(certificate.Release);
            }
            catch (Exception e) when (ServerCertificate.Unusable(e) is { } why)
            {
                // Never a handshake's problem: the hosts get the default certificate, the rest applies.
                warnings.Add($"Secret \"{id}\" cannot be served ({why}); its hosts get the default certificate");
            }
        }

        var entries = plan.Hosts.Where(h => loaded.ContainsKey(h.CertificateId)).Select(h => (h.Host, h.Kind, loaded[h.CertificateId]));
        var fallback = plan.DefaultIds.Where(loaded.ContainsKey).Select(id => loaded[id]).FirstOrDefault() ?? _fallbackCertificate;
        return (new CertificateSelector(new HostLookup<Shared<SslStreamCertificateContext>>(entries), fallback), warnings);
    }
}
