using System.Text.RegularExpressions;

namespace CloudIngress.Emulators.Aws;

/// <summary>
/// The credential scope of a SigV4 <c>Authorization</c> header, which names the service and region a
/// request is for: all services share one endpoint, as with LocalStack. The signature is not checked.
/// </summary>
internal sealed partial record CredentialScope(string AccessKeyId, string Date, string Region, string Service)
{
    public static CredentialScope? Parse(string? authorization)
    {
        var match = authorization is null ? null : HeaderPattern().Match(authorization);
        return match is { Success: true }
            ? new CredentialScope(match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value)
            : null;
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/\s]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request,\s*SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]+$")]
    private static partial Regex HeaderPattern();
}
