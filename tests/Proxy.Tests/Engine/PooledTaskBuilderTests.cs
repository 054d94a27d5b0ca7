using CloudIngress.Proxy.Engine;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>
/// The engine's pooled async builder: results, exceptions and the execution context behave as
/// with the runtime's builders, and a method that waits reuses its box instead of allocating one.
/// Every continuation here runs inline on the test's thread, where the boxes are pooled, with no
/// synchronization context (as on the proxy's event loop; the test framework installs one).
/// </summary>
public sealed class PooledTaskBuilderTests
{
    private static readonly AsyncLocal<int> Ambient = new();

    [Fact]
    public void CompletesWithoutWaiting_WithoutABox()
    {
        using var inline = new InlineContinuations();
        var result = Twice(new Gate(), wait: false);

        Assert.True(result.IsCompletedSuccessfully);
        Assert.Equal(42, Outcome(result));
    }

    [Fact]
    public void CompletesAfterWaiting_WithTheResult()
    {
        using var inline = new InlineContinuations();
        var gate = new Gate();
        var result = Twice(gate, wait: true);
        Assert.False(result.IsCompleted);

        gate.Open(21);

        Assert.True(result.IsCompletedSuccessfully);
        Assert.Equal(42, Outcome(result));
    }

    [Fact]
    public void Exceptions_ReachTheCaller_WhetherThrownBeforeOrAfterWaiting()
    {
        using var inline = new InlineContinuations();
        var before = Throwing(new Gate(), wait: false);
        Assert.Equal("boom 0", Assert.Throws<InvalidDataException>(() => Outcome(before)).Message);

        var gate = new Gate();
        var after = Throwing(gate, wait: true);
        gate.Open(7);
        Assert.Equal("boom 7", Assert.Throws<InvalidDataException>(() => Outcome(after)).Message);
    }

    [Fact]
    public void NestedMethods_ResumeInOrder()
    {
        using var inline = new InlineContinuations();
        var gate = new Gate();
        var outer = Outer(gate);

        gate.Open(5);

        Assert.True(outer.IsCompletedSuccessfully);
        Assert.Equal(11, Outcome(outer)); // (5 * 2) + 1
    }

    [Fact]
    public void ExecutionContext_FlowsIntoTheContinuation_AndDoesNotLeakOut()
    {
        using var inline = new InlineContinuations();
        Ambient.Value = 1;
        var gate = new Gate();
        var seen = SeeAmbient(gate);
        Ambient.Value = 2;

        gate.Open(0);

        Assert.Equal(1, Outcome(seen));     // the context the method was called in
        Assert.Equal(2, Ambient.Value);   // the method's own change stayed inside it
    }

    [Fact]
    public void ReadingAResultTwice_Throws_AndTheBoxServesTheNextCall()
    {
        using var inline = new InlineContinuations();
        var gate = new Gate();
        var first = Twice(gate, wait: true);
        gate.Open(1);
        Assert.Equal(2, Outcome(first));
        Assert.Throws<InvalidOperationException>(() => Outcome(first));

        var second = Twice(gate, wait: true);
        gate.Open(2);
        Assert.Equal(4, Outcome(second));
    }

    [Fact]
    public void WaitingMethods_ReuseTheirBoxes()
    {
        using var inline = new InlineContinuations();
        var gate = new Gate();
        for (var i = 0; i < 10; i++)
        {
            RoundTrip(gate); // the first rounds create the boxes
        }

        var created = PooledTaskBoxes.CreatedOnThisThread;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            RoundTrip(gate);
        }

        // Two methods wait in each round: without the pool that is two boxes per round.
        Assert.Equal(created, PooledTaskBoxes.CreatedOnThisThread);
        if (!Debugger.IsAttached && typeof(PooledTaskBuilder).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true)
        {
            // Optimized builds (structs for state machines): a thousand rounds allocate nothing at all.
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1000);
        }
    }

    [Fact]
    public void ManyWaitingAtOnce_AllComplete()
    {
        using var inline = new InlineContinuations();
        var gates = Enumerable.Range(0, PooledTaskBox<int>.Capacity + 10).Select(_ => new Gate()).ToArray();
        var results = gates.Select(g => Twice(g, wait: true)).ToArray();

        for (var i = 0; i < gates.Length; i++)
        {
            gates[i].Open(i);
        }

        Assert.Equal(gates.Select((_, i) => i * 2), results.Select(Outcome));
    }

    /// <summary>The result of a method that has completed (every continuation here ran inline).</summary>
    private static int Outcome(ValueTask<int> task) => task.IsCompleted ? task.Result : throw new InvalidOperationException("not completed");

    private static void Outcome(ValueTask task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("not completed");
        }

        task.GetAwaiter().GetResult();
    }

    private static void RoundTrip(Gate gate)
    {
        var outer = Outer(gate);
        gate.Open(1);
        if (Outcome(outer) != 3)
        {
            throw new InvalidOperationException("wrong result");
        }
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private static async ValueTask<int> Twice(Gate gate, bool wait) => (wait ? await gate.WaitAsync() : 21) * 2;

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private static async ValueTask<int> Outer(Gate gate)
    {
        var twice = await Twice(gate, wait: true);
        await Nothing(gate);
        return twice + 1;
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder))]
    private static async ValueTask Nothing(Gate gate)
    {
        if (gate.IsOpen)
        {
            return;
        }

        await gate.WaitAsync();
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder))]
    private static async ValueTask Throwing(Gate gate, bool wait)
    {
        var value = wait ? await gate.WaitAsync() : 0;
        throw new InvalidDataException($"boom {value}");
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private static async ValueTask<int> SeeAmbient(Gate gate)
    {
        await gate.WaitAsync();
        var seen = Ambient.Value;
        Ambient.Value = 3;
        return seen;
    }

    private sealed class InlineContinuations : IDisposable
    {
        private readonly SynchronizationContext? _previous = SynchronizationContext.Current;

        public InlineContinuations() => SynchronizationContext.SetSynchronizationContext(null);

        public void Dispose() => SynchronizationContext.SetSynchronizationContext(_previous);
    }

    /// <summary>A value the test hands over when it chooses; the waiting method resumes inline on the test's thread.</summary>
    private sealed class Gate : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;
        private bool _waiting;

        public bool IsOpen => !_waiting;

        public ValueTask<int> WaitAsync()
        {
            _core.Reset();
            _waiting = true;
            return new ValueTask<int>(this, _core.Version);
        }

        public void Open(int value)
        {
            _waiting = false;
            _core.SetResult(value);
        }

        public int GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
