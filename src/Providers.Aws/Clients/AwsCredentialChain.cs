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
    public static Func<CancellationToken, ValueTask<AwsCredentials>> Default() => From(() => DefaultAWSCredentialsIdentityResolver.GetCredentials());

    /// <summary>Credentials from an SDK source; finding none is a configuration error that says where credentials come from.</summary>
    public static Func<CancellationToken, ValueTask<AwsCredentials>> From(Func<AWSCredentials> resolve)
    {
        AWSCredentials? resolved = null;
        return async _ =>
        {
            try
            {
                // Resolved lazily: a plan that never calls AWS must not fail for want of credentials.
                resolved ??= resolve();
                var creds = await resolved.GetCredentialsAsync();
                return new AwsCredentials(creds.AccessKey, creds.SecretKey, string.IsNullOrEmpty(creds.Token) ? null : creds.Token);
            }
            catch (AmazonClientException e)
            {
                throw new Deploy.AwsConfigurationException(
                    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or IRSA (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE) " +
                    $"({e.Message})");
            }
        };
    }

    /// <summary>Fixed credentials (tests, or an endpoint such as LocalStack that accepts any).</summary>
    public static Func<CancellationToken, ValueTask<AwsCredentials>> Static(AwsCredentials credentials) => _ => ValueTask.FromResult(credentials);
}
