using CloudIngress.Providers.Aws.Clients;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Tests.Clients;

/// <summary>Signatures against the published AWS examples.</summary>
public sealed class SigV4Tests
{
    private static readonly DateTimeOffset SuiteTime = DateTimeOffset.Parse("2015-08-30T12:36:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public void GetVanilla_FromTheSignatureV4TestSuite()
    {
        var authorization = SigV4.Authorization("GET", new Uri("https://example.amazonaws.com/"),
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", SigV4.AmzDate(SuiteTime))],
            SigV4.PayloadHash([]), new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "us-east-1", "service", SuiteTime);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            authorization);
    }

    [Fact]
    public void S3GetObject_FromTheS3SignatureExamples()
    {
        var at = DateTimeOffset.Parse("2013-05-24T00:00:00Z", CultureInfo.InvariantCulture);
        var empty = SigV4.PayloadHash([]);
        var authorization = SigV4.Authorization("GET", new Uri("https://examplebucket.s3.amazonaws.com/test.txt"),
            [new("Host", "examplebucket.s3.amazonaws.com"), new("Range", "bytes=0-9"), new("x-amz-content-sha256", empty), new("x-amz-date", SigV4.AmzDate(at))],
            empty, new AwsCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "us-east-1", "s3", at);
        Assert.EndsWith("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", authorization, StringComparison.Ordinal);
        Assert.Contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryParameters_AreSortedAndEncoded_SoOrderDoesNotChangeTheSignature()
    {
        string Sign(string query) => SigV4.Authorization("GET", new Uri($"https://example.amazonaws.com/?{query}"),
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", SigV4.AmzDate(SuiteTime))],
            SigV4.PayloadHash([]), new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "us-east-1", "service", SuiteTime);
        Assert.Equal(Sign("Param2=value2&Param1=value1"), Sign("Param1=value1&Param2=value2"));
        Assert.NotEqual(Sign("Param1=value1"), Sign("Param1=value2"));
        Assert.Equal("a%20b%2Fc~", SigV4.Encode("a b/c~"));
        Assert.Equal("a%20b/c", SigV4.Encode("a b/c", keepSlash: true));
    }

    [Fact]
    public void Credentials_NeverPrintTheirSecretOrToken()
    {
        var text = new AwsCredentials("AKID", "SECRET", "TOKEN").ToString();
        Assert.Contains("AKID", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN", text, StringComparison.Ordinal);
    }
}
