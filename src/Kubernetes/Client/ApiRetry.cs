using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Http.Headers;

namespace CloudIngress.Kubernetes.Client;

/// <summary>
/// Which answers of the API server are tried again, and after how long. The package sends every
/// request once; an API server under load answers 429 (priority and fairness, with Retry-After)
/// or 5xx (an apiserver or etcd restarting), and those pass.
/// </summary>
public static class ApiRetry
{
    /// <summary>Tries after the first; then the answer is returned to the caller, whose own loop (the informer's backoff, the work queue) takes over.</summary>
    public const int MaxRetries = 5;

    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// 429 is tried again whatever the request: the server refused it before doing anything. A
    /// 5xx may come after the work was done, so only requests that give the same result twice
    /// are: reads and watches (GET), server-side apply, and merge patches (ours set values, and
    /// those where order matters carry the resourceVersion, so a repeat after a success is a 409).
    /// Creates, updates, deletes and JSON patches are not.
    /// </summary>
    public static bool ShouldRetry(HttpMethod method, string? contentType, HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests
        || (IsTransientServerError(status) && (method == HttpMethod.Get || method == HttpMethod.Head
            || (method == HttpMethod.Patch && contentType is "application/apply-patch+yaml" or "application/merge-patch+json")));

    /// <summary>
    /// The server's Retry-After when it gives one (capped at <see cref="MaxDelay"/>), else
    /// exponential from <see cref="FirstDelay"/> with jitter in [0.5, 1.5) so that replicas
    /// refused together do not come back together.
    /// </summary>
    public static TimeSpan Delay(int retry, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, double jitter)
    {
        var asked = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        if (asked is { } serverDelay)
        {
            return serverDelay < TimeSpan.Zero ? TimeSpan.Zero : serverDelay > MaxDelay ? MaxDelay : serverDelay;
        }

        var backoff = FirstDelay * Math.Pow(2, Math.Min(retry, 16)) * (0.5 + jitter);
        return backoff > MaxDelay ? MaxDelay : backoff;
    }

    private static bool IsTransientServerError(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}

/// <summary>
/// In the package's HTTP pipeline (under its authentication, above the socket handler): sends a
/// request again after a 429 or a transient 5xx that <see cref="ApiRetry.ShouldRetry"/> allows,
/// waiting on <paramref name="time"/>. Watches are GETs, so a watch refused at its start is
/// retried too; a stream that breaks later is the informer's to resume.
/// </summary>
public sealed partial class ApiRetryHandler(TimeProvider time, ILogger? logger = null) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (retry >= ApiRetry.MaxRetries || !ApiRetry.ShouldRetry(request.Method, request.Content?.Headers.ContentType?.MediaType, response.StatusCode))
            {
                return response;
            }

            var delay = ApiRetry.Delay(retry, response.Headers.RetryAfter, time.GetUtcNow(), Random.Shared.NextDouble());
            if (logger is not null)
            {
                LogRetry(logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? string.Empty, (int)response.StatusCode, delay.TotalMilliseconds, retry + 1);
            }

            response.Dispose();
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API server answered {Method} {Path} with {Status}; trying again in {DelayMs:F0} ms (retry {Retry})")]
    private static partial void LogRetry(ILogger logger, string method, string path, int status, double delayMs, int retry);
}
