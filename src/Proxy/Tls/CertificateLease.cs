using CloudIngress.Proxy.Routing;
using System.Net.Security;

namespace CloudIngress.Proxy.Tls;

/// <summary>
/// A connection's hold on the certificate its handshake selected, from the selection until the
/// connection closes: a reload that drops the certificate meanwhile cannot release it under the
/// handshake (or under the TLS session that goes on using it).
/// </summary>
internal sealed class CertificateLease
{
    private Shared<SslStreamCertificateContext>? _held;

    /// <summary>Holds <paramref name="certificate"/> (the caller has retained it for this connection).</summary>
    public void Hold(Shared<SslStreamCertificateContext> certificate) =>
        Interlocked.Exchange(ref _held, certificate)?.Release();

    public void Release() => Interlocked.Exchange(ref _held, null)?.Release();
}
