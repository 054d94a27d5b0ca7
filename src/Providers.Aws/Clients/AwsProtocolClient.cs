using System.Globalization;
using System.Net;
using System.Text;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>Where one service lives and how it is called.</summary>
public sealed record AwsServiceEndpoint(string Service, string ApiVersion, Uri Url, string Region);

/// <summary>
/// What every AWS wire protocol shares: SigV4 signing, the token bucket of each operation
/// (<see cref="AwsRateLimiter"/>), calls counted per operation, and retries of throttling, 5xx and
/// connection failures with exponential backoff and full jitter. Subclasses say how a body is
/// written and an error read.
/// </summary>
public abstract class AwsProtocolClient(HttpClient http, AwsServiceEndpoint endpoint, Func<CancellationToken, ValueTask<AwsCredentials>> credentials, AwsRateLimiter limiter)
{
    // A bucket more for the calls of one flow (a full resync's reads), on top of the operation's own.
    private static readonly AsyncLocal<TokenBucket?> FlowPace = new();
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private int _uncertainCreates;

    public int MaxAttempts { get; init; } = 8;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public AwsServiceEndpoint Endpoint => endpoint;

    /// <summary>Calls per operation name (every attempt counts), for "API calls by operation" reports.</summary>
    public IReadOnlyDictionary<string, int> Calls
    {
        get
        {
            lock (_calls)
            {
                return new SortedDictionary<string, int>(_calls, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// Creates retried after a failure that may have been carried out (a 5xx, a timeout, a lost
    /// connection): the retry may have made a second resource, or found the first, whose id the
    /// caller does not know. Throttled attempts were refused, so they do not count.
    /// </summary>
    public int UncertainCreates => Volatile.Read(ref _uncertainCreates);

    /// <summary>Runs <paramref name="reads"/> with every call it makes also paced by <paramref name="pace"/> (null: not paced further).</summary>
    public static async Task<T> PacedAsync<T>(TokenBucket? pace, Func<Task<T>> reads)
    {
        // Set inside this async method, the value flows into the calls below and ends with it.
        FlowPace.Value = pace;
        return await reads();
    }

    /// <summary>Sends <paramref name="body"/> for <paramref name="operation"/> until it succeeds or fails for good; returns the answer's text.</summary>
    protected async Task<string> SendAsync(string operation, byte[] body, string contentType, IReadOnlyList<KeyValuePair<string, string>> extraHeaders, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await limiter.TakeAsync(endpoint.Service, operation, cancellationToken);
            if (FlowPace.Value is { } pace)
            {
                await pace.TakeAsync(cancellationToken);
            }

            lock (_calls)
            {
                _calls[operation] = _calls.GetValueOrDefault(operation) + 1;
            }

            AwsServiceException failure;
            try
            {
                using var request = await SignedRequestAsync(body, contentType, extraHeaders, cancellationToken);
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return text;
                }

                failure = ParseError(operation, response.StatusCode, text)
                    ?? new AwsServiceException(endpoint.Service, operation, response.StatusCode, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
                        $"HTTP {(int)response.StatusCode} without an AWS error body", null);
            }
            catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new AwsServiceException(endpoint.Service, operation, HttpStatusCode.ServiceUnavailable, "ConnectionFailure", e.Message, null);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient's own timeout: the request may or may not have been applied; callers are idempotent.
                failure = new AwsServiceException(endpoint.Service, operation, HttpStatusCode.GatewayTimeout, "RequestTimeout", e.Message, null);
            }

            if (!failure.IsRetryable || attempt >= MaxAttempts)
            {
                throw failure;
            }

            if (!failure.IsThrottling && (operation.StartsWith("Create", StringComparison.Ordinal) || operation.StartsWith("Import", StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref _uncertainCreates);
            }

            // Full jitter: spreads retries of many callers throttled at the same moment.
            var cap = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap), Clock, cancellationToken);
        }
    }

    /// <summary>The protocol's error shape, or null when the body is not one (a proxy's error page).</summary>
    protected abstract AwsServiceException? ParseError(string operation, HttpStatusCode status, string text);

    private async Task<HttpRequestMessage> SignedRequestAsync(byte[] body, string contentType, IReadOnlyList<KeyValuePair<string, string>> extraHeaders, CancellationToken cancellationToken)
    {
        var creds = await credentials(cancellationToken);
        var now = Clock.GetUtcNow();
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", contentType } } },
        };
        var host = endpoint.Url.IsDefaultPort ? endpoint.Url.Host : $"{endpoint.Url.Host}:{endpoint.Url.Port}";
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", host),
            new("content-type", contentType),
            new("x-amz-date", SigV4.AmzDate(now)),
        };
        foreach (var (name, value) in extraHeaders)
        {
            signed.Add(new(name.ToLowerInvariant(), value));
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (creds.SessionToken is { } token)
        {
            signed.Add(new("x-amz-security-token", token));
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("X-Amz-Date", SigV4.AmzDate(now));
        request.Headers.TryAddWithoutValidation("Authorization",
            SigV4.Authorization("POST", endpoint.Url, signed, SigV4.PayloadHash(body), creds, endpoint.Region, endpoint.Service, now));
        return request;
    }

    protected static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
