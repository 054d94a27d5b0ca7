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
        // Nothing queued and nothing being worked: no third run can come without another Add.
        await Eventually.Until(() => worked["a"] == 2 && queue.Depth == 0 && queue.Working == 0, what: "the queue at rest");
        Assert.Equal(2, worked["a"]);
        Assert.False(overlapped);
        Assert.Equal(0, queue.Depth);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task AFailingKey_IsRetriedWithGrowingDelays_WithoutHoldingUpOthers()
    {
        var clock = new TestClock();
        // Unpaced, so the only waits on the clock are the retry delays.
        var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), startsPerSecond: double.PositiveInfinity, clock);
        var attempts = new ConcurrentQueue<DateTimeOffset>();
        var others = 0;
        using var stop = new CancellationTokenSource();
        queue.Add("bad");
        var run = queue.RunAsync((key, _) =>
        {
            if (key == "bad")
            {
                attempts.Enqueue(clock.GetUtcNow());
                return Task.FromResult(attempts.Count >= 4);
            }

            Interlocked.Increment(ref others);
            return Task.FromResult(true);
        }, workers: 1, stop.Token);
        for (var i = 0; i < 20; i++)
        {
            queue.Add($"good{i}");
        }

        // Each failure arms one retry delay; the others are worked while it waits.
        for (var retry = 1; retry <= 3; retry++)
        {
            await Eventually.Until(() => clock.Waiting == 1 && attempts.Count == retry, what: $"retry {retry} waiting");
            clock.AdvanceToNextTimer();
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
        var clock = new TestClock();
        var queue = new WorkQueue<int>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), startsPerSecond: 50, clock);
        var starts = new ConcurrentQueue<DateTimeOffset>();
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 26; i++)
        {
            queue.Add(i);
        }

        var begun = clock.GetUtcNow();
        var run = queue.RunAsync((_, _) => { starts.Enqueue(clock.GetUtcNow()); return Task.FromResult(true); }, workers: 4, stop.Token);
        while (starts.Count < 26)
        {
            await Eventually.Until(() => starts.Count == 26 || clock.Waiting > 0, what: "a start, or a worker waiting for its turn");
            clock.AdvanceToNextTimer();
        }

        // A start never comes before its turn, so the k-th start is at least k spacings in.
        var ordered = starts.Order().ToArray();
        for (var k = 0; k < ordered.Length; k++)
        {
            Assert.True(ordered[k] - begun >= TimeSpan.FromMilliseconds(20 * k), $"start {k} at {(ordered[k] - begun).TotalMilliseconds} ms");
        }

        Assert.True(ordered[^1] - begun >= TimeSpan.FromMilliseconds(450), "26 starts at 50/s take about half a second");
        await stop.CancelAsync();
        await run;
    }
}
