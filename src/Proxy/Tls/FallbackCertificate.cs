using System.Net.Security;
using System.Security.Cryptography;
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
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=CloudIngress Default Certificate", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return SslStreamCertificateContext.Create(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null), null, offline: true);
    }
}
