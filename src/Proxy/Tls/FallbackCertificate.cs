using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Tls;

/// <summary>
/// What clients get when no certificate matches and none is the default: a self-signed one, made
/// at start, as other controllers do. It identifies the proxy and is never trusted by anyone.
/// </summary>
internal static class FallbackCertificate
{
    public static SslStreamCertificateContext Create()
    {
        using var certificate = CertificateFactory.CreateServer(null, "CloudIngress Default Certificate", ["cloudingress.invalid"], TimeSpan.FromDays(365));
        // A PKCS#12 round trip gives a key SslStream can use on every platform.
        return SslStreamCertificateContext.Create(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null), null, offline: true);
    }
}
