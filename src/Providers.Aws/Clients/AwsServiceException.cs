using System.Net;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>An error AWS answered with: its code (<c>DuplicateLoadBalancerName</c>, <c>Throttling</c>, ...), message and request id.</summary>
public sealed class AwsServiceException(string service, string operation, HttpStatusCode status, string code, string message, string? requestId)
    : Exception($"{service} {operation}: {code}: {message}{(requestId is null ? string.Empty : $" (request {requestId})")}")
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "PriorRequestNotComplete",
    };

    public string Service => service;

    public string Operation => operation;

    public HttpStatusCode Status => status;

    public string Code => code;

    public string? RequestId => requestId;

    public bool IsThrottling => ThrottlingCodes.Contains(code) || status == HttpStatusCode.TooManyRequests;

    /// <summary>Worth another attempt: throttling, or the service failing on its side.</summary>
    public bool IsRetryable => IsThrottling || (int)status >= 500 || code is "ServiceUnavailable" or "InternalFailure" or "InternalError";
}
