using CloudIngress.Emulators.Aws;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

public sealed class AcmEmulatorTests : EmulatorTest
{
    private readonly ManualTime _clock = new();

    private protected override AwsEmulatorOptions Options => new() { Time = _clock };

    [Fact]
    public async Task Import_ReadsTheCertificate()
    {
        var (pem, key) = TestCertificates.Rsa("shop.example.com", DateTimeOffset.UtcNow.AddDays(30), "shop.example.com", "www.shop.example.com");
        var arn = await Wire.Import(pem, key, tags: [new JsonObject { ["Key"] = "cloudingress.io/cluster", ["Value"] = "c1" }]);
        Assert.Matches(@"^arn:aws:acm:us-east-1:000000000000:certificate/[0-9a-f-]{36}$", arn);
        var described = (JsonObject)(await Wire.Acm("DescribeCertificate", new JsonObject { ["CertificateArn"] = arn })).Ok()["Certificate"]!;
        Assert.Equal("shop.example.com", (string?)described["DomainName"]);
        Assert.Equal(["shop.example.com", "www.shop.example.com"], described["SubjectAlternativeNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("RSA_2048", (string?)described["KeyAlgorithm"]);
        Assert.Equal("IMPORTED", (string?)described["Type"]);
        Assert.Equal("ISSUED", (string?)described["Status"]);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, described["NotAfter"]!.GetValueKind());
        var tags = (await Wire.Acm("ListTagsForCertificate", new JsonObject { ["CertificateArn"] = arn })).Ok();
        Assert.Equal("c1", (string?)tags["Tags"]![0]!["Value"]);
    }

    [Fact]
    public async Task ReImport_KeepsTheArn_AndUpdatesTheBytes()
    {
        var (pem, key) = TestCertificates.Rsa("shop.example.com", DateTimeOffset.UtcNow.AddDays(10));
        var arn = await Wire.Import(pem, key);
        var before = Assert.Single(Aws.Certificates());
        var (renewed, renewedKey) = TestCertificates.Rsa("shop.example.com", DateTimeOffset.UtcNow.AddDays(90));
        Assert.Equal(arn, await Wire.Import(renewed, renewedKey, arn));
        var after = Assert.Single(Aws.Certificates());
        Assert.NotEqual(before.Sha256, after.Sha256);
        Assert.True(after.NotAfter > before.NotAfter.AddDays(60));
        var withTags = new JsonObject
        {
            ["CertificateArn"] = arn, ["Certificate"] = AwsWire.Base64(renewed), ["PrivateKey"] = AwsWire.Base64(renewedKey),
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "k", ["Value"] = "v" }),
        };
        (await Wire.Acm("ImportCertificate", withTags)).Fails("ValidationException");
        var unknown = new JsonObject { ["CertificateArn"] = arn[..^4] + "0000", ["Certificate"] = AwsWire.Base64(renewed), ["PrivateKey"] = AwsWire.Base64(renewedKey) };
        (await Wire.Acm("ImportCertificate", unknown)).Fails("ResourceNotFoundException");
    }

    [Fact]
    public async Task Import_RefusesAMismatchedKey_AndGarbage()
    {
        var (pem, _) = TestCertificates.Rsa("a.example.com");
        var (_, otherKey) = TestCertificates.Rsa("b.example.com");
        (await Wire.Acm("ImportCertificate", new JsonObject { ["Certificate"] = AwsWire.Base64(pem), ["PrivateKey"] = AwsWire.Base64(otherKey) })).Fails("ValidationException");
        (await Wire.Acm("ImportCertificate", new JsonObject { ["Certificate"] = AwsWire.Base64("not a pem"), ["PrivateKey"] = AwsWire.Base64(otherKey) })).Fails("ValidationException");
    }

    [Fact]
    public async Task ListCertificates_FiltersByKeyTypeAndStatus()
    {
        var (rsa, rsaKey) = TestCertificates.Rsa("rsa.example.com", DateTimeOffset.UtcNow.AddDays(5));
        var (ec, ecKey) = TestCertificates.Ecdsa("ec.example.com", "ec.example.com");
        var rsaArn = await Wire.Import(rsa, rsaKey);
        var ecArn = await Wire.Import(ec, ecKey);
        var issued = Aws.AddIssuedCertificate("issued.example.com", "*.issued.example.com");

        async Task<string[]> List(JsonObject body) =>
            (await Wire.Acm("ListCertificates", body)).Ok()["CertificateSummaryList"]!.AsArray().Select(c => (string)c!["CertificateArn"]!).ToArray();

        Assert.Equal([rsaArn, issued], await List([]));
        Assert.Equal([rsaArn, ecArn, issued], await List(new JsonObject { ["Includes"] = new JsonObject { ["keyTypes"] = new JsonArray("RSA_2048", "EC_prime256v1") } }));
        Assert.Equal([ecArn], await List(new JsonObject { ["Includes"] = new JsonObject { ["keyTypes"] = new JsonArray("EC_prime256v1") } }));
        _clock.Now = DateTimeOffset.UtcNow.AddDays(6);
        Assert.Equal([rsaArn], await List(new JsonObject { ["CertificateStatuses"] = new JsonArray("EXPIRED") }));
        Assert.Equal([issued], await List(new JsonObject { ["CertificateStatuses"] = new JsonArray("ISSUED") }));
        var summary = (await Wire.Acm("ListCertificates", new JsonObject { ["CertificateStatuses"] = new JsonArray("ISSUED") })).Ok()["CertificateSummaryList"]![0]!;
        Assert.Equal("AMAZON_ISSUED", (string?)summary["Type"]);
        Assert.Equal(["issued.example.com", "*.issued.example.com"], summary["SubjectAlternativeNameSummaries"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task ListCertificates_IsPaged()
    {
        for (var i = 0; i < 3; i++)
        {
            Aws.AddIssuedCertificate($"c{i}.example.com");
        }

        var first = (await Wire.Acm("ListCertificates", new JsonObject { ["MaxItems"] = 2 })).Ok();
        Assert.Equal(2, first["CertificateSummaryList"]!.AsArray().Count);
        var rest = (await Wire.Acm("ListCertificates", new JsonObject { ["MaxItems"] = 2, ["NextToken"] = (string?)first["NextToken"] })).Ok();
        Assert.Single(rest["CertificateSummaryList"]!.AsArray());
        Assert.Null(rest["NextToken"]);
    }

    [Fact]
    public async Task CertificateInUse_CannotBeDeleted_AndNamesItsUsers()
    {
        var certificate = Aws.AddIssuedCertificate("shop.example.com");
        var lb = await Wire.CreateLoadBalancer("tls");
        var listener = await Wire.CreateListener(lb, 443, await Wire.CreateTargetGroup("tls-tg"), "HTTPS", certificate);
        var described = (await Wire.Acm("DescribeCertificate", new JsonObject { ["CertificateArn"] = certificate })).Ok();
        Assert.Equal(lb, (string?)described["Certificate"]!["InUseBy"]![0]);
        (await Wire.Acm("DeleteCertificate", new JsonObject { ["CertificateArn"] = certificate })).Fails("ResourceInUseException");
        (await Wire.Elb("DeleteListener", "ListenerArn", listener)).Ok();
        (await Wire.Acm("DeleteCertificate", new JsonObject { ["CertificateArn"] = certificate })).Ok();
        (await Wire.Acm("DescribeCertificate", new JsonObject { ["CertificateArn"] = certificate })).Fails("ResourceNotFoundException");
    }

    [Fact]
    public async Task AddTagsToCertificate_KeepsTheLimits()
    {
        var certificate = Aws.AddIssuedCertificate("shop.example.com");
        (await Wire.Acm("AddTagsToCertificate", new JsonObject { ["CertificateArn"] = certificate, ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "aws:x", ["Value"] = "v" }) })).Fails("InvalidTagException");
        var many = new JsonArray(Enumerable.Range(0, 51).Select(i => (JsonNode)new JsonObject { ["Key"] = $"k{i}", ["Value"] = "v" }).ToArray());
        (await Wire.Acm("AddTagsToCertificate", new JsonObject { ["CertificateArn"] = certificate, ["Tags"] = many })).Fails("TooManyTagsException");
        (await Wire.Acm("AddTagsToCertificate", new JsonObject { ["CertificateArn"] = certificate, ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "k", ["Value"] = "v" }) })).Ok();
        Assert.Equal("v", Aws.Certificates()[0].Tags["k"]);
    }
}
