using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>A private CA and certificates it issues: the emulator's serving certificate and users' client certificates.</summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
    }

    /// <summary>Issued by the CA for DNS names and IP addresses (API servers are often reached by IP).</summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, string subject, string[]? dns = null, IPAddress[]? ips = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dns ?? [subject])
        {
            san.AddDnsName(name);
        }

        foreach (var ip in ips ?? [])
        {
            san.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(san.Build());
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so that the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
