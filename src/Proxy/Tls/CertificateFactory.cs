using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Tls;

/// <summary>Self-made certificates: the proxy's fallback certificate, the demo's CA and site certificates.</summary>
public static class CertificateFactory
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    public static X509Certificate2 CreateCa(string name, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.Add(lifetime));
    }

    /// <summary>A server certificate for DNS names, signed by <paramref name="issuer"/> or self-signed when it is null.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2? issuer, string subject, IEnumerable<string> dnsNames, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        if (issuer is null)
        {
            return request.CreateSelfSigned(notBefore, DateTimeOffset.UtcNow.Add(lifetime));
        }

        // A certificate cannot outlive its issuer.
        var notAfter = DateTimeOffset.UtcNow.Add(lifetime);
        if (notAfter > issuer.NotAfter)
        {
            notAfter = issuer.NotAfter;
        }

        using var issued = request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string PrivateKeyPem(X509Certificate2 certificate) =>
        (certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()!).ExportPkcs8PrivateKeyPem();
}
