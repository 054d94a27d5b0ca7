using CloudIngress.Core.Annotations;
using CloudIngress.Core.Model;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Everything about how connections to a pool are made. Pools with equal keys share a connection
/// pool; a connection verified one way is never reused by a pool that verifies another way.
/// </summary>
internal sealed record TransportKey(
    bool Tls,
    bool Http2,
    string? TlsName,
    bool Verify,
    bool CustomTrust,
    string? CaPem,
    TimeSpan ConnectTimeout)
{
    public static TransportKey For(BackendPool pool, TimeSpan defaultConnectTimeout)
    {
        var tls = pool.Tls;
        var http2 = pool.Protocol is BackendProtocol.Grpc or BackendProtocol.Grpcs;
        return new TransportKey(
            Tls: tls is not null,
            Http2: http2,
            TlsName: tls is null ? null : DefaultTlsName(pool),
            Verify: tls?.Verify ?? true,
            CustomTrust: tls?.CaSecret is not null,
            CaPem: tls?.CaPem,
            ConnectTimeout: pool.ConnectTimeout ?? defaultConnectTimeout);
    }

    /// <summary>
    /// The name sent as SNI and verified: <c>backend-sni</c>, else the ExternalName, else the
    /// Service's cluster name <c>service.namespace.svc</c>. One name per pool keeps pooled
    /// connections valid for every request that reuses them.
    /// </summary>
    public static string DefaultTlsName(BackendPool pool) =>
        pool.Tls?.Sni
        ?? (pool.ExternalName && pool.Endpoints.Count > 0 ? pool.Endpoints[0].Address : $"{pool.Service.Name}.{pool.Service.Namespace}.svc");
}
