using CloudIngress.Proxy.Backends;
using System.Net;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// A TCP port of an L4 frontend (a Service of type LoadBalancer of our class), compiled: the pool
/// its connections are spliced to and the sources that may open them. Plain data: the listener
/// that accepts on the port belongs to the proxy, not to the table.
/// </summary>
internal sealed class L4Route
{
    public required string FrontendId { get; init; }

    /// <summary><c>namespace/name</c> of the Service, for log lines.</summary>
    public required string Service { get; init; }

    public required int Port { get; init; }

    public required BackendRuntime Backend { get; init; }

    /// <summary>Null: everyone. Empty: nobody.</summary>
    public IPNetwork[]? AllowedSources { get; init; }
}

/// <summary>A UDP port of an L4 frontend: in the model, but Kestrel serves TCP only, so it is reported and not served.</summary>
internal sealed record L4UdpPort(string Service, int Port);
