namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Reusable cancellation sources for per-request timeouts: a new source (and its timer) per
/// request is a measurable share of a forwarded request's cost.
/// </summary>
internal static class TimeoutSources
{
    [ThreadStatic]
    private static Stack<CancellationTokenSource>? t_free;

    /// <summary>A source that cancels after <paramref name="timeout"/> or when <paramref name="aborted"/> fires.</summary>
    public static Lease Rent(TimeSpan timeout, CancellationToken aborted)
    {
        var source = t_free is { Count: > 0 } free ? free.Pop() : new CancellationTokenSource();
        source.CancelAfter(timeout);
        var registration = aborted.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source);
        return new Lease(source, registration);
    }

    internal readonly struct Lease(CancellationTokenSource source, CancellationTokenRegistration registration) : IDisposable
    {
        public CancellationTokenSource Source => source;

        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            registration.Dispose();
            if (source.TryReset())
            {
                (t_free ??= new Stack<CancellationTokenSource>()).Push(source);
            }
            else
            {
                source.Dispose();
            }
        }
    }
}
