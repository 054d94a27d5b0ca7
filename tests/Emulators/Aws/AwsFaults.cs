namespace CloudIngress.Emulators.Aws;

/// <summary>
/// Failures on demand, per service (<c>elasticloadbalancing</c>, <c>ec2</c>, <c>acm</c>) and/or action:
/// throttling, 500/503 before the change, 500 after it (the change is applied and its answer lost),
/// delays, and seeded random failures. Each failure has the code the real service uses.
/// </summary>
public sealed class AwsFaults
{
    private readonly Lock _lock = new();
    private readonly List<Fault> _faults = [];
    private Random? _random;
    private double _rate;

    public void ThrottleNext(int count, string? service = null, string? action = null) => Add(new Fault(count, FaultKind.Throttle, 400, TimeSpan.Zero, service, action));

    /// <summary>With <paramref name="afterCommit"/> the operation is applied and then answered with a 500, as when a response is lost.</summary>
    public void FailNext(int count, int status = 500, string? service = null, string? action = null, bool afterCommit = false) =>
        Add(new Fault(count, afterCommit ? FaultKind.FailAfter : FaultKind.FailBefore, afterCommit ? 500 : status, TimeSpan.Zero, service, action));

    public void DelayNext(int count, TimeSpan delay, string? service = null, string? action = null) => Add(new Fault(count, FaultKind.Delay, 0, delay, service, action));

    /// <summary>Each request then fails with probability <paramref name="rate"/>: a seeded mix of throttling, 500 before and 500 after commit.</summary>
    public void RandomFailures(double rate, int seed)
    {
        lock (_lock)
        {
            _rate = rate;
            _random = new Random(seed);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
            _random = null;
            _rate = 0;
        }
    }

    /// <summary>The delay and the failure (if any) for this request; each consumes one use of its fault.</summary>
    internal (TimeSpan Delay, FaultKind? Kind, int Status) Next(string service, string action)
    {
        lock (_lock)
        {
            var delay = Take(f => f.Kind == FaultKind.Delay, service, action)?.Delay ?? TimeSpan.Zero;
            if (Take(f => f.Kind != FaultKind.Delay, service, action) is { } failure)
            {
                return (delay, failure.Kind, failure.Status);
            }

            if (_random is not null && _random.NextDouble() < _rate)
            {
                var kind = (FaultKind)_random.Next(3);
                return (delay, kind, kind == FaultKind.Throttle ? 400 : 500);
            }

            return (delay, null, 0);
        }
    }

    /// <summary>The error each service answers a fault with.</summary>
    internal static AwsError ErrorFor(string service, FaultKind kind, int status) => (service, kind, status) switch
    {
        ("ec2", FaultKind.Throttle, _) => new AwsError("RequestLimitExceeded", "Request limit exceeded.", 503),
        ("acm", FaultKind.Throttle, _) => new AwsError("ThrottlingException", "Rate exceeded", 400),
        (_, FaultKind.Throttle, _) => new AwsError("Throttling", "Rate exceeded", 400),
        ("ec2", _, 503) => new AwsError("Unavailable", "The server is overloaded and can't handle the request.", 503),
        ("ec2", _, _) => new AwsError("InternalError", "An internal error has occurred.", status),
        (_, _, 503) => new AwsError("ServiceUnavailable", "Service is unavailable.", 503),
        _ => new AwsError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", status),
    };

    private void Add(Fault fault)
    {
        lock (_lock)
        {
            _faults.Add(fault);
        }
    }

    private Fault? Take(Func<Fault, bool> kind, string service, string action)
    {
        var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && kind(f) && (f.Service is null || f.Service == service) && (f.Action is null || f.Action == action));
        if (fault is not null)
        {
            fault.Remaining--;
        }

        return fault;
    }

    private sealed class Fault(int remaining, FaultKind kind, int status, TimeSpan delay, string? service, string? action)
    {
        public int Remaining { get; set; } = remaining;

        public FaultKind Kind => kind;

        public int Status => status;

        public TimeSpan Delay => delay;

        public string? Service => service;

        public string? Action => action;
    }
}

internal enum FaultKind
{
    Throttle,
    FailBefore,
    FailAfter,
    Delay,
}
