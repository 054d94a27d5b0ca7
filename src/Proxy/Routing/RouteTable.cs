using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Tls;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// Everything a request or connection needs, compiled from one model and never changed after:
/// the proxy swaps whole tables with one reference exchange, so readers never lock and never
/// see half a configuration.
/// </summary>
internal sealed class RouteTable
{
    public required GatewayModel Model { get; init; }

    public required HostTable Http { get; init; }

    public required HostTable Https { get; init; }

    public required CertificateSelector Certificates { get; init; }

    /// <summary>SNI → passthrough pool or terminate; empty when no host is passed through.</summary>
    public required HostLookup<SniDecision> Sni { get; init; }

    public required IReadOnlyList<BackendRuntime> Backends { get; init; }

    /// <summary>Problems found while merging frontends onto the proxy's listeners.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool HasPassthrough => Sni.Count > 0;
}
