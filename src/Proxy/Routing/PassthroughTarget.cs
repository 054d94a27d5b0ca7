using CloudIngress.Proxy.Backends;
using System.Net;

namespace CloudIngress.Proxy.Routing;

/// <summary>What the SNI of a connection on the HTTPS port decides: splice it to a pool, or terminate TLS here.</summary>
internal sealed class SniDecision
{
    public static readonly SniDecision Terminate = new(null, null);

    public SniDecision(BackendRuntime? backend, IPNetwork[]? allowedSources)
    {
        Backend = backend;
        AllowedSources = allowedSources;
    }

    /// <summary>Null: terminate TLS in the proxy.</summary>
    public BackendRuntime? Backend { get; }

    public IPNetwork[]? AllowedSources { get; }
}
