using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// The AWS JSON 1.1 protocol (ACM): <c>POST</c> of a JSON object with
/// <c>X-Amz-Target: {prefix}.{Operation}</c>; errors carry <c>__type</c> and <c>message</c>.
/// </summary>
public sealed class AwsJsonClient(HttpClient http, AwsServiceEndpoint endpoint, string targetPrefix, Func<CancellationToken, ValueTask<AwsCredentials>> credentials, AwsRateLimiter limiter)
    : AwsProtocolClient(http, endpoint, credentials, limiter)
{
    private const string JsonType = "application/x-amz-json-1.1";

    public async Task<JsonObject> CallAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        var text = await SendAsync(operation, Utf8(request.ToJsonString()), JsonType, [new("X-Amz-Target", $"{targetPrefix}.{operation}")], cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    protected override AwsServiceException? ParseError(string operation, HttpStatusCode status, string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject error || error["__type"]?.GetValue<string>() is not { } type)
            {
                return null;
            }

            // "__type" may be "com.amazonaws.acm#ResourceNotFoundException": the code is after '#'.
            var code = type[(type.LastIndexOf('#') + 1)..];
            var message = (error["message"] ?? error["Message"])?.GetValue<string>() ?? string.Empty;
            return new AwsServiceException(Endpoint.Service, operation, status, code, message, null);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
