using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Controller.Demo;

/// <summary>A throwaway CA and the certificates the quickstart needs, made fresh at each demo start.</summary>
internal sealed class DemoCertificates : IDisposable
{
    private DemoCertificates(X509Certificate2 ca, X509Certificate2 site, X509Certificate2 backend)
    {
        Ca = ca;
        Site = site;
        Backend = backend;
    }

    public X509Certificate2 Ca { get; }

    /// <summary><c>*.demo.test</c>: what the proxy presents for offload and bridge.</summary>
    public X509Certificate2 Site { get; }

    /// <summary><c>secure.demo.test</c> and <c>backend.demo.internal</c>: the HTTPS backend's own certificate.</summary>
    public X509Certificate2 Backend { get; }

    public static DemoCertificates Create()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=CloudIngress Demo CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return new DemoCertificates(ca,
            Issue(ca, "*.demo.test", ["*.demo.test", "demo.test"]),
            Issue(ca, "secure.demo.test", ["secure.demo.test", "backend.demo.internal"]));
    }

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string PrivateKeyPem(X509Certificate2 certificate) => certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();

    public void Dispose()
    {
        Ca.Dispose();
        Site.Dispose();
        Backend.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90), RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }
}
