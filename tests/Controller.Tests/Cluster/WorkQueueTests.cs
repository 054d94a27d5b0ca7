using CloudIngress.Controller.Cluster;
using CloudIngress.Tests;
using System.Collections.Concurrent;

namespace CloudIngress.Controller.Tests.Cluster;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task AKeyAddedManyTimes_IsWorkedOnce_AndNeverTwiceAtOnce()
    {
        var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), startsPerSecond: 1000);
        var worked = new ConcurrentDictionary<string, int>();
        var running = 0;
        var overlapped = false;
        var gate = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 10; i++)
        {
            queue.Add("a");
        }

        queue.Add("b");
        var run = queue.RunAsync(async (key, _) =>
        {
            if (key == "a" && Interlocked.Increment(ref running) > 1)
            {
                overlapped = true;
            }

            worked.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (key == "a" && worked["a"] == 1)
            {
                await gate.Task; // while "a" is being worked, it is added again
            }

            if (key == "a")
            {
                Interlocked.Decrement(ref running);
            }

            return true;
        }, workers: 4, stop.Token);

        await Eventually.Until(() => worked.GetValueOrDefault("a") == 1 && worked.GetValueOrDefault("b") == 1);
        queue.Add("a");
        queue.Add("a");
        gate.SetResult();
        await Eventually.Until(() => worked["a"] == 2);
        await Task.Delay(100);
        Assert.Equal(2, worked["a"]);
        Assert.False(overlapped);
        Assert.Equal(0, queue.Depth);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task AFailingKey_IsRetriedWithGrowingDelays_WithoutHoldingUpOthers()
    {
        var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), startsPerSecond: 1000);
        var attempts = new ConcurrentQueue<DateTime>();
        var others = 0;
        using var stop = new CancellationTokenSource();
        queue.Add("bad");
        var run = queue.RunAsync((key, _) =>
        {
            if (key == "bad")
            {
                attempts.Enqueue(DateTime.UtcNow);
                return Task.FromResult(attempts.Count >= 4);
            }

            Interlocked.Increment(ref others);
            return Task.FromResult(true);
        }, workers: 1, stop.Token);
        for (var i = 0; i < 20; i++)
        {
            queue.Add($"good{i}");
        }

        await Eventually.Until(() => attempts.Count == 4);
        Assert.Equal(20, others);
        var times = attempts.ToArray();
        var gaps = times.Zip(times.Skip(1), (x, y) => (y - x).TotalMilliseconds).ToArray();
        Assert.True(gaps[2] > gaps[0] * 1.5, $"backoff should grow: {string.Join(", ", gaps)}");
        Assert.Equal(3, queue.Retries);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void Backoff_IsCapped()
    {
        var queue = new WorkQueue<int>(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), startsPerSecond: 10);
        Assert.InRange(queue.Backoff(1).TotalMilliseconds, 80, 120);
        Assert.InRange(queue.Backoff(50).TotalMilliseconds, 1600, 2400);
    }

    [Fact]
    public async Task Starts_AreRateLimited()
    {
        var queue = new WorkQueue<int>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), startsPerSecond: 50);
        var done = 0;
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 26; i++)
        {
            queue.Add(i);
        }

        var started = DateTime.UtcNow;
        var run = queue.RunAsync((_, _) => { Interlocked.Increment(ref done); return Task.FromResult(true); }, workers: 4, stop.Token);
        await Eventually.Until(() => done == 26);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(450), "26 starts at 50/s take about half a second");
        await stop.CancelAsync();
        await run;
    }

}
