using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Proxy.Tls;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Proxy.Tests;

/// <summary>Certificates from Secrets: RSA keys, chains with intermediates, and live swaps.</summary>
public sealed class CertificateTests
{
    [Fact]
    public async Task RsaCertificateWithIntermediate_ChainIsSentAndTrustedFromTheRootAlone()
    {
        using var root = CertificateFactory.CreateCa("Test Root", TimeSpan.FromDays(2));
        using var intermediate = IssueIntermediate(root);
        using var leaf = IssueRsa(intermediate, "chain.example.com");
        var chainPem = CertificateFactory.CertificatePem(leaf) + "\n" + CertificateFactory.CertificatePem(intermediate) + "\n";
        var secret = TlsSecret("chain-tls", chainPem, leaf.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using var web = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(Manifests.Service("web", web.Port) + secret
            + Manifests.Ingress("chain", "chain.example.com", "web", tls: "tls: [{hosts: [chain.example.com], secretName: chain-tls}]"));

        var (presented, sent) = await Handshake(proxy.Server.HttpsPort, "chain.example.com");
        Assert.Equal("CN=chain.example.com", presented.Subject);
        Assert.Contains(sent, c => c.Subject == "CN=Test Intermediate");
        using var client = proxy.Client(trust: root);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("https://chain.example.com/")).StatusCode);
    }

    [Fact]
    public async Task CertificateChange_IsServedAfterReload()
    {
        await using var web = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(TestPki.OffloadedApp(web.Port, TestPki.App));
        Assert.Equal("CN=app.example.com", (await Handshake(proxy.Server.HttpsPort, "app.example.com")).Presented.Subject);
        using var renewed = TestPki.Issue("app.example.com renewed", "app.example.com");
        proxy.Apply(TestPki.OffloadedApp(web.Port, renewed));
        Assert.Equal("CN=app.example.com renewed", (await Handshake(proxy.Server.HttpsPort, "app.example.com")).Presented.Subject);
    }

    /// <summary>
    /// A Secret with a DSA key passes the model's checks (the PEM pair parses and matches) but
    /// SslStream cannot sign with it: making its certificate context throws NotSupportedException
    /// "The server mode SSL must use a certificate with the associated private key". That used to
    /// escape the swap and fail the whole configuration; it costs only its own hosts now.
    /// </summary>
    [Fact]
    public async Task DsaKeySecret_NamedInAWarning_ItsHostGetsTheDefaultCertificate_TheRestIsServed()
    {
        using var dsa = DSA.Create(1024);
        using var dsaCertificate = IssueDsa(TestPki.Ca, dsa, "dsa.example.com");
        var secret = TlsSecret("dsa-tls", CertificateFactory.CertificatePem(dsaCertificate), dsa.ExportPkcs8PrivateKeyPem());
        await using var web = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync();
        var model = ProxyHarness.Build(TestPki.OffloadedApp(web.Port, TestPki.App) + secret
            + Manifests.Ingress("dsa", "dsa.example.com", "web", tls: "tls: [{hosts: [dsa.example.com], secretName: dsa-tls}]"));

        var warnings = proxy.Server.Apply(model);

        Assert.Contains(warnings, w => w.Contains("Secret \"default/dsa-tls\"", StringComparison.Ordinal) && w.Contains("RSA or ECDSA", StringComparison.Ordinal));
        Assert.Equal("CN=app.example.com", (await Handshake(proxy.Server.HttpsPort, "app.example.com")).Presented.Subject);
        Assert.Equal("CN=CloudIngress Default Certificate", (await Handshake(proxy.Server.HttpsPort, "dsa.example.com")).Presented.Subject);
        Assert.Equal(1, proxy.Server.State.LoadedCertificates);
    }

    private static async Task<(X509Certificate2 Presented, List<X509Certificate2> Sent)> Handshake(int port, string host)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var sent = new List<X509Certificate2>();
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, chain, _) =>
        {
            sent.AddRange(chain!.ChainPolicy.ExtraStore.Cast<X509Certificate2>());
            return true;
        });
        await tls.AuthenticateAsClientAsync(host);
        return (X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData()), sent);
    }

    private static X509Certificate2 IssueIntermediate(X509Certificate2 root)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test Intermediate", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var issued = request.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 IssueRsa(X509Certificate2 issuer, string host)
    {
        // Not disposed: the certificate returned below keeps using this key.
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        // An ECDSA issuer signs an RSA certificate: name the issuer's signature generator explicitly.
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddHours(20), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 IssueDsa(X509Certificate2 issuer, DSA key, string host)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={host}"), new PublicKey(key), HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddHours(20), RandomNumberGenerator.GetBytes(8));
    }

    private static string TlsSecret(string name, string certificatePem, string privateKeyPem) => $"""

        ---
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: {name}, namespace: default{"}"}
        type: kubernetes.io/tls
        data:
          tls.crt: {B64(certificatePem)}
          tls.key: {B64(privateKeyPem)}
        """;

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
