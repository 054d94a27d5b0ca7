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
        var secret = $"""

            ---
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: chain-tls, namespace: default{"}"}
            type: kubernetes.io/tls
            data:
              tls.crt: {B64(chainPem)}
              tls.key: {B64(leaf.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem())}
            """;
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

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
