using Amazon.Runtime;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;

namespace CloudIngress.Providers.Aws.Tests.Clients;

public sealed class AwsCredentialChainTests
{
    [Fact]
    public async Task SdkCredentials_BecomeOurs_WithTheSessionToken()
    {
        var chain = AwsCredentialChain.From(() => new SessionAWSCredentials("AKIDEXAMPLE", "secret", "token"));
        Assert.Equal(new AwsCredentials("AKIDEXAMPLE", "secret", "token"), await chain(CancellationToken.None));
    }

    [Fact]
    public async Task NoCredentials_IsAConfigurationError_ThatSaysWhereTheyComeFrom()
    {
        var chain = AwsCredentialChain.From(() => throw new AmazonClientException("Failed to resolve AWS credentials."));
        var e = await Assert.ThrowsAsync<AwsConfigurationException>(async () => await chain(CancellationToken.None));
        Assert.Contains("AWS_ACCESS_KEY_ID", e.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_WEB_IDENTITY_TOKEN_FILE", e.Message, StringComparison.Ordinal);
    }
}
