using CloudIngress.Proxy.Routing;
using System.Net.Security;

namespace CloudIngress.Proxy.Tls;

/// <summary>The server certificate for a ClientHello: exact SNI host, then wildcard, then the default.</summary>
internal sealed class CertificateSelector(HostLookup<SslStreamCertificateContext> byHost, SslStreamCertificateContext fallback)
{
    public SslStreamCertificateContext Select(string? serverName) =>
        string.IsNullOrEmpty(serverName) ? fallback : byHost.FindSpecific(serverName) ?? fallback;
}
