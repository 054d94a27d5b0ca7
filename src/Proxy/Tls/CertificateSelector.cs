using CloudIngress.Core.Model;
using CloudIngress.Proxy.Routing;
using System.Net.Security;

namespace CloudIngress.Proxy.Tls;

/// <summary>The server certificate for a ClientHello: exact SNI host, then wildcard, then the default.</summary>
internal sealed class CertificateSelector(HostLookup<Shared<SslStreamCertificateContext>> byHost, Shared<SslStreamCertificateContext> fallback)
{
    public Shared<SslStreamCertificateContext> Select(string? serverName) =>
        string.IsNullOrEmpty(serverName) ? fallback : byHost.FindSpecific(serverName) ?? fallback;
}

/// <summary>
/// Which certificates a table presents, as compiled: plain data. The swap loads (or reuses) the
/// certificates and makes the <see cref="CertificateSelector"/>.
/// </summary>
internal sealed record CertificatePlan(
    IReadOnlyList<(string Host, HostMatchKind Kind, string CertificateId)> Hosts,
    IReadOnlyList<string> DefaultIds,
    IReadOnlyDictionary<string, CertificateKey> Certificates)
{
    public static readonly CertificatePlan Empty = new([], [], new Dictionary<string, CertificateKey>());
}
