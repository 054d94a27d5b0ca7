using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// Credentials from AWSSDK.Core's default chain: environment variables, shared profiles, IRSA web
/// identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, through AWSSDK.SecurityToken), ECS and EC2
/// instance roles. The SDK caches and refreshes them before they expire.
/// </summary>
public static class AwsCredentialChain
{
    public static Func<CancellationToken, ValueTask<AwsCredentials>> Default()
    {
        AWSCredentials? resolved = null;
        return async _ =>
        {
            // Resolved lazily: a plan that never calls AWS must not fail for want of credentials.
            resolved ??= DefaultAWSCredentialsIdentityResolver.GetCredentials();
            var creds = await resolved.GetCredentialsAsync();
            return new AwsCredentials(creds.AccessKey, creds.SecretKey, string.IsNullOrEmpty(creds.Token) ? null : creds.Token);
        };
    }

    /// <summary>Fixed credentials (tests, or an endpoint such as LocalStack that accepts any).</summary>
    public static Func<CancellationToken, ValueTask<AwsCredentials>> Static(AwsCredentials credentials) => _ => ValueTask.FromResult(credentials);
}
