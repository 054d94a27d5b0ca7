using System.Threading.Channels;

namespace CloudIngress.Controller.Cluster;

/// <summary>
/// A rate-limited work queue, as controllers know it: a key queued twice is worked once; a key
/// added while being worked is worked again afterwards (never twice at once); a failed key comes
/// back after an exponential, jittered delay; starts are limited to a steady rate so a burst of
/// thousands of objects cannot flood the API server. Delays and pacing follow <paramref name="time"/>.
/// </summary>
internal sealed class WorkQueue<TKey>(TimeSpan baseDelay, TimeSpan maxDelay, double startsPerSecond, TimeProvider? time = null)
    where TKey : notnull
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _origin = (time ?? TimeProvider.System).GetTimestamp();
    private readonly Lock _lock = new();
    private readonly Channel<TKey> _ready = Channel.CreateUnbounded<TKey>();
    private readonly HashSet<TKey> _queued = [];
    private readonly HashSet<TKey> _working = [];
    private readonly HashSet<TKey> _dirty = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1 / startsPerSecond);
    private TimeSpan _nextStart;

    /// <summary>Keys waiting (retries in their delay included).</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>Keys being worked now.</summary>
    public int Working
    {
        get
        {
            lock (_lock)
            {
                return _working.Count;
            }
        }
    }

    public long Retries { get; private set; }

    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_working.Contains(key))
            {
                _dirty.Add(key);
                return;
            }

            if (_queued.Add(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>The delay before the next attempt of a key that failed <paramref name="failures"/> times.</summary>
    public TimeSpan Backoff(int failures)
    {
        var delay = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds(delay * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    /// <summary>Works keys with <paramref name="workers"/> concurrent workers until cancelled; <paramref name="work"/> returns false (or throws) to retry.</summary>
    public Task RunAsync(Func<TKey, CancellationToken, Task<bool>> work, int workers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkerAsync(work, cancellationToken)));

    private async Task WorkerAsync(Func<TKey, CancellationToken, Task<bool>> work, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var key in _ready.Reader.ReadAllAsync(cancellationToken))
            {
                await PaceAsync(cancellationToken);
                lock (_lock)
                {
                    _queued.Remove(key);
                    _working.Add(key);
                }

                bool done;
                try
                {
                    done = await work(key, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    done = false; // the work logs its own failures; the key comes back later
                }

                Finish(key, done, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Finish(TKey key, bool done, CancellationToken cancellationToken)
    {
        TimeSpan? retryIn = null;
        lock (_lock)
        {
            _working.Remove(key);
            if (done)
            {
                _failures.Remove(key);
            }
            else
            {
                var failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
                retryIn = Backoff(failures);
                Retries++;
            }

            if (_dirty.Remove(key) && retryIn is null)
            {
                if (_queued.Add(key))
                {
                    _ready.Writer.TryWrite(key);
                }
            }
            else if (retryIn is not null)
            {
                _queued.Add(key); // counted as waiting while it backs off; a new Add does not jump the delay
            }
        }

        if (retryIn is { } delay)
        {
            _ = RequeueAfterAsync(key, delay, cancellationToken);
        }
    }

    private async Task RequeueAfterAsync(TKey key, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _ready.Writer.TryWrite(key);
    }

    /// <summary>Spaces starts evenly at the configured rate.</summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = _time.GetElapsedTime(_origin);
            var start = now > _nextStart ? now : _nextStart;
            _nextStart = start + _spacing;
            wait = start - now;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
    }
}
