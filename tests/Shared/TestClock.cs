using Microsoft.Extensions.Time.Testing;

namespace CloudIngress.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which of its timers are armed. Time moved before
/// the code under test arms its timer is lost on that timer, so a test waits until the code is
/// <see cref="Waiting"/> on the clock, then moves it.
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    // Held while time moves, so a timer armed meanwhile is due from a known now.
    private readonly Lock _lock = new();
    private readonly Dictionary<Tracked, DateTimeOffset> _armed = [];
    private readonly List<TimeSpan> _requested = [];

    public TestClock()
        : base(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Timers armed and not yet fired: the things waiting for time to pass.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>Every finite delay asked of this clock, in order.</summary>
    public IReadOnlyList<TimeSpan> Requested
    {
        get
        {
            lock (_lock)
            {
                return [.. _requested];
            }
        }
    }

    /// <summary>Moves time on by <paramref name="delta"/>, firing what falls due.</summary>
    public new void Advance(TimeSpan delta)
    {
        lock (_lock)
        {
            base.Advance(delta);
        }
    }

    /// <summary>Moves time on to when the soonest armed timer is due; false when nothing waits.</summary>
    public bool AdvanceToNextTimer()
    {
        lock (_lock)
        {
            if (_armed.Count == 0)
            {
                return false;
            }

            base.Advance(_armed.Values.Min() - GetUtcNow());
            return true;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            var tracked = new Tracked(this, period);
            tracked.Inner = base.CreateTimer(s => tracked.Fire(callback, s), state, dueTime, period);
            Arm(tracked, dueTime);
            return tracked;
        }
    }

    private void Arm(Tracked timer, TimeSpan dueTime)
    {
        // Infinite is disarmed; zero has fired already, inside the base clock's CreateTimer or Change.
        if (dueTime == Timeout.InfiniteTimeSpan || dueTime <= TimeSpan.Zero)
        {
            _armed.Remove(timer);
            return;
        }

        _requested.Add(dueTime);
        _armed[timer] = GetUtcNow() + dueTime;
    }

    private sealed class Tracked(TestClock clock, TimeSpan period) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public void Fire(TimerCallback callback, object? state)
        {
            lock (clock._lock)
            {
                if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                {
                    clock._armed.Remove(this);
                }
                else if (clock._armed.TryGetValue(this, out var due))
                {
                    clock._armed[this] = due + period;
                }
            }

            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan newPeriod)
        {
            lock (clock._lock)
            {
                period = newPeriod;
                clock.Arm(this, dueTime);
                return Inner.Change(dueTime, newPeriod);
            }
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._armed.Remove(this);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
