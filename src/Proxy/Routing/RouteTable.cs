using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Tls;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// Everything a request or connection needs, compiled from one model and never changed after:
/// the proxy swaps whole tables with one reference exchange, so readers never lock and never
/// see half a configuration. Compiling gives plain data; <see cref="ProxyState"/> binds the live
/// resources (transports, endpoint states, certificates) before publishing the table and lets
/// them go when the last request, stream or connection that started on it is done.
/// </summary>
internal sealed class RouteTable
{
    private readonly Holders _holders = new();
    private CertificateSelector? _certificates;
    private Action? _release;

    public required GatewayModel Model { get; init; }

    public required HostTable Http { get; init; }

    public required HostTable Https { get; init; }

    /// <summary>Which certificate each host gets, by id; <see cref="Certificates"/> is its loaded form.</summary>
    public required CertificatePlan Tls { get; init; }

    /// <summary>
    /// The loaded certificates. Read before the swap bound them, it throws: a placeholder with no
    /// certificate would hand SslStream a null context, which fails the handshake with "The server
    /// mode SSL must use a certificate with the associated private key".
    /// </summary>
    public CertificateSelector Certificates =>
        _certificates ?? throw new InvalidOperationException("a route table's certificates were read before the swap bound them");

    /// <summary>SNI → passthrough pool or terminate; empty when no host is passed through.</summary>
    public required HostLookup<SniDecision> Sni { get; init; }

    public required IReadOnlyList<BackendRuntime> Backends { get; init; }

    /// <summary>TCP ports of L4 frontends; a port two Services claim goes to the first by frontend id.</summary>
    public IReadOnlyDictionary<int, L4Route> L4 { get; init; } = new Dictionary<int, L4Route>();

    /// <summary>UDP ports of L4 frontends, which the Kestrel data plane does not serve.</summary>
    public IReadOnlyList<L4UdpPort> L4Udp { get; init; } = [];

    /// <summary>Problems found while merging frontends onto the proxy's listeners.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool HasPassthrough => Sni.Count > 0;

    /// <summary>Once, by the swap: the loaded certificates and what to release when the table is done.</summary>
    public void Bind(CertificateSelector certificates, Action release)
    {
        _certificates = certificates;
        _release = release;
    }

    /// <summary>One more user of the table; false once it is retired and drained (read the current one again).</summary>
    public bool TryRetain() => _holders.TryRetain();

    public void Release()
    {
        if (_holders.Release())
        {
            _release?.Invoke();
        }
    }
}
