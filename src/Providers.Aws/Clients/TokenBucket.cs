namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// Client-side rate limit per service: up to <c>burst</c> calls at once, refilled at <c>rate</c>
/// per second, so a large reconcile paces itself instead of provoking throttling.
/// </summary>
public sealed class TokenBucket(double ratePerSecond, int burst, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private double _tokens = burst;
    private long _last = (clock ?? TimeProvider.System).GetTimestamp();

    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = _clock.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + (_clock.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond));
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }

                wait = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
            }

            await Task.Delay(wait, _clock, cancellationToken);
        }
    }
}
