using Microsoft.AspNetCore.Http;
using System.Globalization;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>Failures on demand: the next N matching requests get a status (500, 429 with Retry-After), or a delay.</summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly List<Fault> _faults = [];
    private int _served;

    /// <summary>Faults served so far (failures and delays).</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>The next <paramref name="count"/> requests whose path contains <paramref name="pathContains"/> fail with <paramref name="status"/>.</summary>
    public void FailNext(int count, int status, string pathContains = "", TimeSpan? retryAfter = null)
    {
        lock (_lock)
        {
            _faults.Add(new Fault(count, status, pathContains, retryAfter, TimeSpan.Zero));
        }
    }

    public void DelayNext(int count, TimeSpan delay, string pathContains = "")
    {
        lock (_lock)
        {
            _faults.Add(new Fault(count, 0, pathContains, null, delay));
        }
    }

    /// <summary>Ends every pending fault: the API server recovers.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    public async Task ApplyAsync(HttpContext context)
    {
        Fault? fault;
        lock (_lock)
        {
            fault = _faults.FirstOrDefault(f => f.Remaining > 0 && (context.Request.Path.Value ?? string.Empty).Contains(f.PathContains, StringComparison.Ordinal));
            if (fault is not null)
            {
                fault.Remaining--;
            }
        }

        if (fault is null)
        {
            return;
        }

        Interlocked.Increment(ref _served);

        if (fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay, context.RequestAborted);
        }

        if (fault.Status != 0)
        {
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfter is { } after)
            {
                context.Response.Headers.RetryAfter = ((int)after.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            await context.Response.WriteAsync(new ApiError(fault.Status, fault.Status == 429 ? "TooManyRequests" : "InternalError", "injected fault").ToStatus().ToJsonString());
        }
    }

    private sealed class Fault(int remaining, int status, string pathContains, TimeSpan? retryAfter, TimeSpan delay)
    {
        public int Remaining { get; set; } = remaining;

        public int Status => status;

        public string PathContains => pathContains;

        public TimeSpan? RetryAfter => retryAfter;

        public TimeSpan Delay => delay;
    }
}
