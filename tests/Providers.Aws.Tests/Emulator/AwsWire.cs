using CloudIngress.Emulators.Aws;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

/// <summary>An answer to a Query call, read by local names so tests need no namespaces.</summary>
internal sealed record QueryAnswer(int Status, XElement Root)
{
    public string? Code => All("Code").FirstOrDefault();

    public IEnumerable<string> All(string name) => Root.Descendants().Where(e => e.Name.LocalName == name).Select(e => e.Value);

    public string One(string name) => All(name).First();

    public QueryAnswer Ok()
    {
        Assert.True(Status == 200, $"expected 200, got {Status}: {Root}");
        return this;
    }

    public void Fails(string code, int status = 400)
    {
        Assert.Equal(code, Code);
        Assert.Equal(status, Status);
    }
}

internal sealed record JsonAnswer(int Status, JsonObject Body)
{
    public string? Type => (string?)Body["__type"];

    public JsonObject Ok()
    {
        Assert.True(Status == 200, $"expected 200, got {Status}: {Body.ToJsonString()}");
        return Body;
    }

    public void Fails(string type, int status = 400)
    {
        Assert.Equal(type, Type);
        Assert.Equal(status, Status);
    }
}

/// <summary>
/// A plain HTTP client for the emulator: form bodies, JSON 1.1 bodies and a syntactically valid
/// SigV4 Authorization header (the signature is made up), plus shortcuts to build fixtures.
/// </summary>
internal sealed class AwsWire(AwsEmulator emulator) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = emulator.Url };

    public static string Authorization(string service, string region) =>
        $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/{region}/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature={new string('0', 64)}";

    public Task<QueryAnswer> Elb(string action, params string[] pairs) => Query("elasticloadbalancing", "2015-12-01", action, pairs);

    public Task<QueryAnswer> Ec2(string action, params string[] pairs) => Query("ec2", "2016-11-15", action, pairs);

    public async Task<QueryAnswer> Query(string service, string version, string action, string[] pairs, string? authorization = "")
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", version) };
        for (var i = 0; i < pairs.Length; i += 2)
        {
            form.Add(new(pairs[i], pairs[i + 1]));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(form) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.Length == 0 ? Authorization(service, emulator.Region) : authorization);
        }

        using var response = await _http.SendAsync(request);
        return new QueryAnswer((int)response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    public async Task<JsonAnswer> Acm(string operation, JsonObject body, string? authorization = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "CertificateManager." + operation);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.Length == 0 ? Authorization("acm", emulator.Region) : authorization);
        }

        using var response = await _http.SendAsync(request);
        return new JsonAnswer((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? []);
    }

    public string[] Subnets(string role = "kubernetes.io/role/elb") =>
        emulator.Subnets().Where(s => s.Tags.ContainsKey(role)).Select(s => s.Id).ToArray();

    public async Task<string> CreateLoadBalancer(string name, string type = "application", params string[] extra)
    {
        var pairs = new List<string> { "Name", name, "Type", type };
        var subnets = Subnets();
        for (var i = 0; i < subnets.Length; i++)
        {
            pairs.AddRange([$"Subnets.member.{i + 1}", subnets[i]]);
        }

        return (await Elb("CreateLoadBalancer", [.. pairs, .. extra])).Ok().One("LoadBalancerArn");
    }

    public async Task<string> CreateTargetGroup(string name, string protocol = "HTTP", params string[] extra) =>
        (await Elb("CreateTargetGroup", ["Name", name, "Protocol", protocol, "Port", "8080", "VpcId", emulator.DefaultVpcId!, "TargetType", "ip", .. extra])).Ok().One("TargetGroupArn");

    public async Task<string> CreateListener(string lbArn, int port, string targetGroupArn, string protocol = "HTTP", string? certificateArn = null)
    {
        string[] certificate = certificateArn is null ? [] : ["Certificates.member.1.CertificateArn", certificateArn];
        return (await Elb("CreateListener", ["LoadBalancerArn", lbArn, "Protocol", protocol, "Port", port.ToString(), "DefaultActions.member.1.Type", "forward",
            "DefaultActions.member.1.TargetGroupArn", targetGroupArn, .. certificate])).Ok().One("ListenerArn");
    }

    public Task<QueryAnswer> CreateRule(string listenerArn, int priority, string host, string targetGroupArn, params string[] extra) =>
        Elb("CreateRule", ["ListenerArn", listenerArn, "Priority", priority.ToString(), "Conditions.member.1.Field", "host-header",
            "Conditions.member.1.HostHeaderConfig.Values.member.1", host, "Actions.member.1.Type", "forward", "Actions.member.1.TargetGroupArn", targetGroupArn, .. extra]);

    /// <summary>An ALB with an HTTP listener on 80 forwarding to a fresh HTTP target group.</summary>
    public async Task<(string LoadBalancer, string Listener, string TargetGroup)> AlbWithListener(string name = "web")
    {
        var lb = await CreateLoadBalancer(name);
        var group = await CreateTargetGroup(name + "-tg");
        return (lb, await CreateListener(lb, 80, group), group);
    }

    public async Task<string> Import(string certificatePem, string keyPem, string? arn = null, JsonArray? tags = null)
    {
        var body = new JsonObject { ["Certificate"] = Base64(certificatePem), ["PrivateKey"] = Base64(keyPem) };
        if (arn is not null)
        {
            body["CertificateArn"] = arn;
        }

        if (tags is not null)
        {
            body["Tags"] = tags;
        }

        return (string)(await Acm("ImportCertificate", body)).Ok()["CertificateArn"]!;
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public void Dispose() => _http.Dispose();
}

/// <summary>Self-signed test certificates made with <see cref="CertificateRequest"/>.</summary>
internal static class TestCertificates
{
    public static (string Certificate, string Key) Rsa(string commonName, DateTimeOffset? notAfter = null, params string[] sans)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Make(request, notAfter, sans, key.ExportPkcs8PrivateKeyPem());
    }

    public static (string Certificate, string Key) Ecdsa(string commonName, params string[] sans)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        return Make(request, null, sans, key.ExportPkcs8PrivateKeyPem());
    }

    private static (string, string) Make(CertificateRequest request, DateTimeOffset? notAfter, string[] sans, string keyPem)
    {
        if (sans.Length > 0)
        {
            var builder = new SubjectAlternativeNameBuilder();
            foreach (var san in sans)
            {
                builder.AddDnsName(san);
            }

            request.CertificateExtensions.Add(builder.Build());
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(90));
        return (certificate.ExportCertificatePem(), keyPem);
    }
}

/// <summary>A clock tests move by hand, to expire certificates without waiting.</summary>
internal sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => Now;
}
