using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CloudIngress.Proxy.Tests;

/// <summary>Edge policy through the proxy: redirects, basic auth, source allow lists, rewrites and canaries.</summary>
public sealed class PolicyTests : IAsyncLifetime
{
    // Made by the reference implementations: libxcrypt's crypt(3) for bcrypt, `openssl passwd -apr1` for apr1.
    private const string AliceBcrypt = "$2b$05$abcdefghijklmnopqrstuuZ8x5zyHk/OWcnyt5S3g.ULVoOjZZfR.";
    private const string CarolApr1 = "$apr1$r31....$gH/n6RzxlhBMSoonpX7jH/";
    private const string BobSha = "{SHA}oHryCTyM4ObJvET53dSBiRe/fXQ=";

    private TestBackend _primary = null!;
    private TestBackend _canary = null!;
    private ProxyHarness _proxy = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _primary = await TestBackend.StartAsync("primary");
        _canary = await TestBackend.StartAsync("canary");
        _proxy = await ProxyHarness.StartAsync(new ProxyOptions { PublicHttpsPort = 8443 });
        var htpasswd = Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{AliceBcrypt}\nbob:{BobSha}\ncarol:{CarolApr1}\n"));
        _proxy.Apply(
            Manifests.Service("primary", _primary.Port)
            + Manifests.Service("canary", _canary.Port)
            + TestPki.TlsSecret("app-tls", TestPki.App)
            + $"""

            ---
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: users, namespace: default{"}"}
            data: {"{"}auth: {htpasswd}{"}"}
            """
            + Manifests.Ingress("redirect", "app.example.com", "primary", annotations: "cloudingress.io/ssl-redirect: 'true'",
                tls: "tls: [{hosts: [app.example.com], secretName: app-tls}]")
            + Manifests.Ingress("auth", "auth.example.com", "primary",
                annotations: "cloudingress.io/auth-type: basic, cloudingress.io/auth-secret: users, cloudingress.io/auth-realm: Staff area")
            + Manifests.Ingress("local-only", "local.example.com", "primary", annotations: "cloudingress.io/whitelist-source-range: '127.0.0.0/8, ::1'")
            + Manifests.Ingress("remote-only", "remote.example.com", "primary", annotations: "cloudingress.io/whitelist-source-range: 10.0.0.0/8")
            + Manifests.Ingress("rewrite", "rewrite.example.com", "primary", path: "/app", annotations: "cloudingress.io/rewrite-target: /v2")
            + Manifests.Ingress("main", "canary.example.com", "primary")
            + Manifests.Ingress("main-canary", "canary.example.com", "canary",
                annotations: "cloudingress.io/canary: 'true', cloudingress.io/canary-by-header: X-Canary, cloudingress.io/canary-weight: '0'")
            + Manifests.Ingress("weighted", "weighted.example.com", "primary")
            + Manifests.Ingress("weighted-canary", "weighted.example.com", "canary",
                annotations: "cloudingress.io/canary: 'true', cloudingress.io/canary-weight: '100'"));
        _client = _proxy.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        await _primary.DisposeAsync();
        await _canary.DisposeAsync();
    }

    [Fact]
    public async Task SslRedirect_Is308ToHttpsWithTheSameTarget()
    {
        using var response = await _client.GetAsync("http://app.example.com/a/b?c=d%20e");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://app.example.com:8443/a/b?c=d%20e", response.Headers.Location!.OriginalString);
        using var secure = await _client.GetAsync("https://app.example.com/a");
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.Unauthorized)]
    [InlineData("alice", "alice-password", HttpStatusCode.OK)]
    [InlineData("alice", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("bob", "bob-password", HttpStatusCode.OK)]
    [InlineData("carol", "carol-password", HttpStatusCode.OK)]
    [InlineData("mallory", "alice-password", HttpStatusCode.Unauthorized)]
    public async Task BasicAuth_ChecksHtpasswdHashes(string? user, string? password, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://auth.example.com/");
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        var before = _primary.Seen.Count;
        using var response = await _client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Basic realm=\"Staff area\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal(before, _primary.Seen.Count); // refused at the edge: the backend never saw it
        }
    }

    [Fact]
    public async Task SourceRanges_AdmitListedAddressesOnly()
    {
        using var local = await _client.GetAsync("http://local.example.com/");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        using var remote = await _client.GetAsync("http://remote.example.com/");
        Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
        Assert.Equal("403 your address is not allowed here\n", await remote.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SourceRanges_IPv6Client()
    {
        // A second proxy bound to ::1, so the client address is an IPv6 one.
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { BindAddress = "::1" });
        proxy.Apply(Manifests.Service("primary", _primary.Port)
            + Manifests.Ingress("v6", "v6.example.com", "primary", annotations: "cloudingress.io/whitelist-source-range: '::1/128'")
            + Manifests.Ingress("v4", "v4.example.com", "primary", annotations: "cloudingress.io/whitelist-source-range: 127.0.0.1"));
        Assert.StartsWith("HTTP/1.1 200", await RawHttpV6(proxy.Server.HttpPort, "v6.example.com"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", await RawHttpV6(proxy.Server.HttpPort, "v4.example.com"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/app", "/v2")]
    [InlineData("/app/", "/v2/")]
    [InlineData("/app/users/7?x=1", "/v2/users/7?x=1")]
    public async Task RewriteTarget_ReplacesTheMatchedPrefix(string path, string expected)
    {
        using var response = await _client.GetAsync("http://rewrite.example.com" + path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, _primary.Seen.Last(s => s.Host == "rewrite.example.com").Target);
    }

    [Theory]
    [InlineData(null, "primary")]
    [InlineData("always", "canary")]
    [InlineData("never", "primary")]
    [InlineData("other", "primary")]
    public async Task Canary_ByHeader(string? header, string backend)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://canary.example.com/");
        if (header is not null)
        {
            request.Headers.Add("X-Canary", header);
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(backend, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Canary_ByWeight()
    {
        for (var i = 0; i < 10; i++)
        {
            var body = await _client.GetStringAsync("http://weighted.example.com/");
            Assert.Equal("canary", JsonDocument.Parse(body).RootElement.GetProperty("backend").GetString());
        }
    }

    [Theory]
    [InlineData(AliceBcrypt, "alice-password", true)]
    [InlineData(AliceBcrypt, "alice-passwore", false)]
    [InlineData("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U", true)]
    [InlineData("$2b$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq", "", true)]
    [InlineData(CarolApr1, "carol-password", true)]
    [InlineData("$apr1$xxxxxxxx$AL/DOdqyMUurcg0cPNW/P1", "", true)]
    [InlineData(CarolApr1, "Carol-password", false)]
    [InlineData(BobSha, "bob-password", true)]
    [InlineData(BobSha, "bob-password ", false)]
    [InlineData("$2b$05$tooshort", "x", false)]
    [InlineData("$2x$05$abcdefghijklmnopqrstuuZ8x5zyHk/OWcnyt5S3g.ULVoOjZZfR.", "alice-password", false)]
    [InlineData("$2b$05$abcdefghijklmnopqrst!uZ8x5zyHk/OWcnyt5S3g.ULVoOjZZfR.", "alice-password", false)]
    [InlineData("$2b$99$abcdefghijklmnopqrstuuZ8x5zyHk/OWcnyt5S3g.ULVoOjZZfR.", "x", false)]
    [InlineData("plaintext", "plaintext", false)]
    // Made by `htpasswd -nbB -C 4` (Apache 2.4, which writes $2y$), `htpasswd -nbs` and `htpasswd -nbm`.
    [InlineData("$2y$04$..E3vt5IyYpulSfg4782BeCKe.nfm1JR/iXLsx1dFqdHzrMPMPzFa", "alice-password", true)]
    [InlineData("$2y$04$..E3vt5IyYpulSfg4782BeCKe.nfm1JR/iXLsx1dFqdHzrMPMPzFa", "alice-passwore", false)]
    [InlineData("$2y$04$zIH3PXhmRO08kZgp/hEKlOpTkGJWxe7fbjRuDJCsCQ27OiteEjMW2", "", true)]
    [InlineData("$2y$04$zIH3PXhmRO08kZgp/hEKlOpTkGJWxe7fbjRuDJCsCQ27OiteEjMW2", " ", false)]
    [InlineData("$2y$04$6rvfxk4BfZf8HxAIwJGBmO69YUS0LJY7zYGFf2AWRddZjwNAEMkS.", "pässwörd-ünïcode-✓", true)]
    [InlineData("$2y$04$6rvfxk4BfZf8HxAIwJGBmO69YUS0LJY7zYGFf2AWRddZjwNAEMkS.", "passwort-unicode-✓", false)]
    [InlineData("$2y$04$MXTUKQrkRP.uYI0rhNoj4e8UH7u4kuYuzvfqk9nzRn910NVJU0xk.", "colon:and space", true)]
    [InlineData("$2y$05$dLXnsM11XxvYProjM4.DMuLxxRgVsIrg5X6kuQWh4pUJi/hjRd1uy", "dave-password", true)]
    [InlineData("{SHA}jiywa0SjaeVU6+H0SwFuZlie8n0=", "erin-password", true)]
    [InlineData("$apr1$Ghu8b5ww$O/ZAkxaJVpHFpHNj7Li8l1", "frank-password", true)]
    [InlineData("$apr1$Ghu8b5ww$O/ZAkxaJVpHFpHNj7Li8l1", "frank-passwore", false)]
    public void PasswordHashes_VerifyAgainstReferenceVectors(string hash, string password, bool expected) =>
        Assert.Equal(expected, PasswordHashes.Verify(hash, password));

    [Fact]
    public void PasswordHashes_BcryptPasswordLongerThan72Bytes_OnlyFirst72BytesCount()
    {
        // htpasswd -nbB -C 4 of 72 'a's, and of 72 'a's followed by more: bcrypt ignores bytes past 72.
        var seventyTwo = new string('a', 72);
        Assert.True(PasswordHashes.Verify("$2y$04$24sXXvst2P18NENu7Z8p7e4B3rHGfsdsR2Th7f9htdNCZoGJl5QUy", seventyTwo));
        Assert.True(PasswordHashes.Verify("$2y$04$24sXXvst2P18NENu7Z8p7e4B3rHGfsdsR2Th7f9htdNCZoGJl5QUy", seventyTwo + "anything"));
        Assert.True(PasswordHashes.Verify("$2y$04$n6PVVjOoy6z7XOGlMgEZOeIgJyRFtq4SZhDB5eXrU780CvN1SlUnq", seventyTwo));
        Assert.False(PasswordHashes.Verify("$2y$04$24sXXvst2P18NENu7Z8p7e4B3rHGfsdsR2Th7f9htdNCZoGJl5QUy", new string('a', 71)));
    }

    [Fact]
    public void PasswordHashes_BcryptWithUnencodablePassword_FailsWithoutThrowing()
    {
        // A lone surrogate cannot be UTF-8 encoded; the package throws with the input in its message.
        Assert.False(PasswordHashes.Verify("$2y$04$..E3vt5IyYpulSfg4782BeCKe.nfm1JR/iXLsx1dFqdHzrMPMPzFa", "alice\ud800"));
    }

    [Fact]
    public void Bcrypt_HashThenVerify_RoundTrips()
    {
        var hash = Bcrypt.Hash("correct horse", 4);
        Assert.StartsWith("$2b$04$", hash, StringComparison.Ordinal);
        Assert.Equal(60, hash.Length);
        Assert.True(PasswordHashes.Verify(hash, "correct horse"));
        Assert.False(PasswordHashes.Verify(hash, "battery staple"));
    }

    private static async Task<string> RawHttpV6(int port, string host)
    {
        using var client = new TcpClient(AddressFamily.InterNetworkV6);
        await client.ConnectAsync(IPAddress.IPv6Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        return await new StreamReader(stream).ReadToEndAsync();
    }
}
