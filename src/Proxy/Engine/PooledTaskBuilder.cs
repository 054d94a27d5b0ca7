using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// Builder for the engine's async methods that wait once per request (for the client's next head,
/// for the backend's answer). Like the runtime's <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/>
/// it reuses the box that holds a suspended method, but from a per-thread stack deep enough for
/// every connection waiting at once: the runtime keeps one box per thread and one per core, which a
/// few dozen connections waiting together outgrow, so most requests allocated a box per method
/// (about 0.6 KB per request, and the gen0 collections that came with it).
/// </summary>
/// <remarks>
/// A method that completes without waiting uses no box. The box goes back to the stack of the
/// thread that consumes the result, as the runtime's does; each thread keeps at most
/// <see cref="PooledTaskBox{TResult}.Capacity"/> boxes per method.
/// </remarks>
internal struct PooledTaskBuilder<TResult>
{
    private PooledTaskBox<TResult>? _box;
    private TResult? _result;
    private Exception? _exception;

    public static PooledTaskBuilder<TResult> Create() => default;

    public readonly ValueTask<TResult> Task =>
        _box is { } box ? new ValueTask<TResult>(box, box.Version)
        : _exception is { } exception ? ValueTask.FromException<TResult>(exception)
        : new ValueTask<TResult>(_result!);

    /// <summary>The same value as a result-less task, for <see cref="PooledTaskBuilder"/>.</summary>
    internal readonly ValueTask AsValueTask() =>
        _box is { } box ? new ValueTask(box, box.Version)
        : _exception is { } exception ? ValueTask.FromException(exception)
        : default;

    // The runtime's start: it restores the caller's execution and synchronization contexts after the synchronous part.
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => AsyncValueTaskMethodBuilder.Create().Start(ref stateMachine);

    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
        // The box holds the state machine itself (see Box); nothing to record.
    }

    public void SetResult(TResult result)
    {
        if (_box is { } box)
        {
            box.SetResult(result);
        }
        else
        {
            _result = result;
        }
    }

    public void SetException(Exception exception)
    {
        if (_box is { } box)
        {
            box.SetException(exception);
        }
        else
        {
            _exception = exception;
        }
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(Box(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(Box(ref stateMachine).MoveNextAction);

    /// <summary>
    /// The box of a method about to wait: rented at its first wait, with the state machine copied
    /// in (this builder, inside it, already pointing at the box), reused at its later waits.
    /// </summary>
    private PooledTaskBox<TResult> Box<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var context = ExecutionContext.Capture();
        if (_box is PooledTaskBox<TResult, TStateMachine> current)
        {
            current.Context = context;
            return current;
        }

        var box = PooledTaskBox<TResult, TStateMachine>.Rent();
        _box = box;
        box.StateMachine = stateMachine;
        box.Context = context;
        return box;
    }
}

/// <summary><see cref="PooledTaskBuilder{TResult}"/> for methods returning <see cref="ValueTask"/>.</summary>
internal struct PooledTaskBuilder
{
    private PooledTaskBuilder<NoResult> _builder;

    public static PooledTaskBuilder Create() => default;

    public readonly ValueTask Task => _builder.AsValueTask();

    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => _builder.Start(ref stateMachine);

    public void SetStateMachine(IAsyncStateMachine stateMachine) => _builder.SetStateMachine(stateMachine);

    public void SetResult() => _builder.SetResult(default);

    public void SetException(Exception exception) => _builder.SetException(exception);

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine => _builder.AwaitOnCompleted(ref awaiter, ref stateMachine);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine => _builder.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}

internal readonly struct NoResult;

/// <summary>How many boxes this thread has had to create (a pool that works stops creating them).</summary>
internal static class PooledTaskBoxes
{
    [ThreadStatic]
    private static long t_created;

    public static long CreatedOnThisThread => t_created;

    internal static void CountCreated() => t_created++;
}

/// <summary>A suspended method and the result its caller awaits; reused once the caller has the result.</summary>
internal abstract class PooledTaskBox<TResult> : IValueTaskSource<TResult>, IValueTaskSource
{
    /// <summary>Boxes kept per thread and per method: more than the connections one thread has waiting at once in practice.</summary>
    public const int Capacity = 256;

    private ManualResetValueTaskSourceCore<TResult> _core; // continuations run inline, as the runtime's builders do
    private Action? _moveNext;

    public ExecutionContext? Context { get; set; }

    public Action MoveNextAction => _moveNext ??= MoveNext;

    public short Version => _core.Version;

    public void SetResult(TResult result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public TResult GetResult(short token)
    {
        ThrowIfNotReady(token);
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    protected abstract void MoveNext();

    /// <summary>Forgets the state machine and returns the box to this thread's stack.</summary>
    protected abstract void Return();

    private void Release()
    {
        _core.Reset();
        Context = null;
        Return();
    }

    // A result read twice, or before it is there, must not hand the box back while it is in use.
    private void ThrowIfNotReady(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            throw new InvalidOperationException("the result of a pooled async method was read twice or before it completed");
        }
    }
}

internal sealed class PooledTaskBox<TResult, TStateMachine> : PooledTaskBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    [ThreadStatic]
    private static PooledTaskBox<TResult, TStateMachine>?[]? t_stack;

    [ThreadStatic]
    private static int t_count;

    private static readonly ContextCallback Run = static box => ((PooledTaskBox<TResult, TStateMachine>)box!).StateMachine.MoveNext();

    public TStateMachine StateMachine = default!;

    public static PooledTaskBox<TResult, TStateMachine> Rent()
    {
        if (t_count > 0 && t_stack is { } stack)
        {
            var box = stack[--t_count]!;
            stack[t_count] = null;
            return box;
        }

        PooledTaskBoxes.CountCreated();
        return new PooledTaskBox<TResult, TStateMachine>();
    }

    protected override void MoveNext()
    {
        if (Context is { } context)
        {
            ExecutionContext.Run(context, Run, this);
        }
        else
        {
            StateMachine.MoveNext();
        }
    }

    protected override void Return()
    {
        StateMachine = default!;
        var stack = t_stack ??= new PooledTaskBox<TResult, TStateMachine>?[Capacity];
        if (t_count < stack.Length)
        {
            stack[t_count++] = this;
        }
    }
}
