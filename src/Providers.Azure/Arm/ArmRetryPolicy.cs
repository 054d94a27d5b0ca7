using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using System.Globalization;

namespace CloudIngress.Providers.Azure.Arm;

/// <summary>
/// Retries throttled (429), failed (5xx, 408) and unanswered requests, waiting what
/// <c>Retry-After</c> says or backing off exponentially, on the injected clock so that tests
/// move time instead of sleeping. Replaces Azure.Core's own retry policy, which waits on the wall clock.
/// </summary>
internal sealed class ArmRetryPolicy(TimeProvider time, int maxRetries, TimeSpan firstDelay) : HttpPipelinePolicy
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        for (var attempt = 1; ; attempt++)
        {
            Exception? failure = null;
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RequestFailedException { Status: 0 } or IOException or HttpRequestException && !message.CancellationToken.IsCancellationRequested)
            {
                failure = e;
            }

            if (failure is null && !Retryable(message.Response.Status))
            {
                return;
            }

            if (attempt > maxRetries)
            {
                if (failure is not null)
                {
                    throw new ArmException(0, "ConnectionFailure", failure.Message, message.Request.Uri.Path, failure);
                }

                return;
            }

            var delay = failure is null ? RetryAfter(message.Response, time) ?? Backoff(attempt) : Backoff(attempt);
            await Task.Delay(delay, time, message.CancellationToken).ConfigureAwait(false);
        }
    }

    public static TimeSpan? RetryAfter(Response response, TimeProvider time)
    {
        if (response.Headers.TryGetValue("Retry-After", out var value))
        {
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - time.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < MaxDelay ? wait : MaxDelay;
            }
        }

        return null;
    }

    private static bool Retryable(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(firstDelay.Ticks * (1L << Math.Min(attempt - 1, 10)), MaxDelay.Ticks));
}
