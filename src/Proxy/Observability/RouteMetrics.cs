using System.Diagnostics;

namespace CloudIngress.Proxy.Observability;

/// <summary>Lock-free counters of one route: requests by status class and a latency histogram.</summary>
internal sealed class RouteMetrics(string route, string host)
{
    /// <summary>Upper bounds in seconds, Prometheus-style.</summary>
    public static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _byClass = new long[6];
    private readonly long[] _buckets = new long[Buckets.Length + 1];
    private long _sumMicroseconds;

    public string Route => route;

    public string Host => host;

    public void Record(int status, long elapsedTimestamp)
    {
        var statusClass = status / 100;
        Interlocked.Increment(ref _byClass[statusClass is >= 1 and <= 5 ? statusClass : 0]);
        var seconds = elapsedTimestamp / (double)Stopwatch.Frequency;
        var bucket = 0;
        while (bucket < Buckets.Length && seconds > Buckets[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1_000_000));
    }

    public long Requests(int statusClass) => Volatile.Read(ref _byClass[statusClass]);

    public long BucketCount(int index) => Volatile.Read(ref _buckets[index]);

    public double SumSeconds => Volatile.Read(ref _sumMicroseconds) / 1_000_000.0;
}
