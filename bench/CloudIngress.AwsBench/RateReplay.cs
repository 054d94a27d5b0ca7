using CloudIngress.Providers.Aws.Clients;

namespace CloudIngress.AwsBench;

/// <summary>
/// How long a sequence of calls takes at AWS's documented rates (the provider's own client-side
/// buckets), if each call itself took no time: a replay of the calls, in order, through virtual
/// token buckets. Against moto the buckets are lifted, so this is the figure AWS would impose.
/// </summary>
internal static class RateReplay
{
    public static TimeSpan Duration(IEnumerable<string> calls, AwsRateLimits limits, double pacePerSecond = 0)
    {
        var now = 0.0;
        var buckets = new Dictionary<AwsRateLimit, (double Tokens, double At)>();
        var pace = (Tokens: Math.Max(1, Math.Floor(pacePerSecond)), At: 0.0);
        foreach (var call in calls)
        {
            var colon = call.IndexOf(':', StringComparison.Ordinal);
            if (limits.For(call[..colon], call[(colon + 1)..]) is { } rule)
            {
                var (tokens, at) = buckets.GetValueOrDefault(rule, (rule.Burst, 0.0));
                (now, buckets[rule]) = Take(now, tokens, at, rule.PerSecond, rule.Burst);
            }

            if (pacePerSecond > 0)
            {
                (now, pace) = Take(now, pace.Tokens, pace.At, pacePerSecond, Math.Max(1, Math.Floor(pacePerSecond)));
            }
        }

        return TimeSpan.FromSeconds(now);
    }

    /// <summary>One token at or after <paramref name="now"/>: when it was had, and the bucket after.</summary>
    private static (double Now, (double Tokens, double At) Bucket) Take(double now, double tokens, double at, double rate, double burst)
    {
        tokens = Math.Min(burst, tokens + ((now - at) * rate));
        if (tokens < 1)
        {
            now += (1 - tokens) / rate;
            tokens = 1;
        }

        return (now, (tokens - 1, now));
    }
}
