using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Tests;

/// <summary>
/// The live AWS suite's acceptance manifests (testassets/translate/acceptance: two grouped Ingresses,
/// a passthrough Ingress alone in its group, a LoadBalancer Service) with a TLS Secret of their own,
/// and the edit the suite applies: an Ingress removed, a path changed, the certificate rotated.
/// Shared by the provider-level (Providers.Aws.Tests) and CLI-level (EndToEnd) cycles.
/// </summary>
internal static class LiveAwsManifests
{
    private static string Assets => Path.Combine(AppContext.BaseDirectory, "testassets");

    /// <summary>The Services, EndpointSlices and Secrets every golden case sees (web, api, ...).</summary>
    public static string Shared => File.ReadAllText(Path.Combine(Assets, "shared.yaml"));

    /// <summary>The acceptance Ingresses and Service, their TLS Secret <c>live-tls</c> holding this certificate and key.</summary>
    public static string Manifests(string certificate, string key) =>
        File.ReadAllText(Path.Combine(Assets, "translate", "acceptance", "input.yaml"))
            .Replace("secretName: app-tls", "secretName: live-tls", StringComparison.Ordinal) + $"""

        ---
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: live-tls, namespace: default{"}"}
        type: kubernetes.io/tls
        data: {"{"}tls.crt: {Base64(certificate)}, tls.key: {Base64(key)}{"}"}

        """;

    /// <summary>The edit: shop-api removed, and shop's path / made /shop.</summary>
    public static string Edited(string manifests)
    {
        const string Secure = "\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: secure";
        const string Path = "{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]";
        var kept = string.Join("\n---\n", manifests.Split("\n---\n").Where(d => !d.Contains("name: shop-api,", StringComparison.Ordinal)));
        return kept.Replace(Path + Secure, Path.Replace("path: /,", "path: /shop,", StringComparison.Ordinal) + Secure, StringComparison.Ordinal);
    }

    /// <summary>A fresh self-signed certificate for app.example.com (PEM certificate, PEM key).</summary>
    public static (string Certificate, string Key) NewCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=app.example.com", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("app.example.com");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
