using CloudIngress.Proxy.Tls;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>A CA and certificates for the tests, made once per test run.</summary>
public static class TestPki
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);

    public static readonly X509Certificate2 Ca = CertificateFactory.CreateCa("CloudIngress Test CA", Lifetime);

    public static readonly X509Certificate2 OtherCa = CertificateFactory.CreateCa("Unrelated CA", Lifetime);

    public static readonly X509Certificate2 App = Issue("app.example.com", "app.example.com");

    public static readonly X509Certificate2 Wildcard = Issue("*.example.com", "*.example.com");

    public static readonly X509Certificate2 Fallback = Issue("default.example.com", "default.example.com");

    /// <summary>A pod's own certificate, for passthrough and bridge.</summary>
    public static readonly X509Certificate2 Backend = Issue("secure.example.com", "secure.example.com", "backend.internal");

    public static X509Certificate2 Issue(string subject, params string[] names) => CertificateFactory.CreateServer(Ca, subject, names, Lifetime);

    /// <summary>A <c>kubernetes.io/tls</c> Secret manifest holding a certificate and its key.</summary>
    public static string TlsSecret(string name, X509Certificate2 certificate, string ns = "default") => $"""

        ---
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        type: kubernetes.io/tls
        data:
          tls.crt: {B64(CertificateFactory.CertificatePem(certificate))}
          tls.key: {B64(CertificateFactory.PrivateKeyPem(certificate))}
        ---

        """;

    /// <summary>app.example.com offloaded with <paramref name="certificate"/> and forwarded to a backend named web.</summary>
    public static string OffloadedApp(int webPort, X509Certificate2 certificate) =>
        Manifests.Service("web", webPort) + TlsSecret("site-tls", certificate)
        + Manifests.Ingress("site", "app.example.com", "web", tls: "tls: [{hosts: [app.example.com], secretName: site-tls}]");

    public static string CaSecret(string name, X509Certificate2 ca, string ns = "default") => $"""

        ---
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        data:
          ca.crt: {B64(CertificateFactory.CertificatePem(ca))}
        ---

        """;

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
