using System.Collections.Concurrent;

namespace CloudIngress.Emulators.Azure;

/// <summary>What a fault does to the request it matches.</summary>
public enum ArmFaultKind
{
    /// <summary>Answer with the status (429 and 5xx with Retry-After) without doing anything.</summary>
    Refuse,

    /// <summary>Carry out the PUT or DELETE, then answer 500 as if the connection broke: the caller cannot know it happened.</summary>
    AfterCommit,

    /// <summary>Accept the PUT, then let its long-running operation end in Failed.</summary>
    FailOperation,
}

public sealed record ArmFault(string Method, string Type, ArmFaultKind Kind, int Status = 500, int RetryAfterSeconds = 0, string? Name = null);

/// <summary>Faults armed by tests, each used once, matched in order by method, resource type and (optionally) name.</summary>
public sealed class ArmFaults
{
    private readonly ConcurrentQueue<ArmFault> _queue = new();
    private readonly Lock _lock = new();

    public int Pending => _queue.Count;

    public void Add(ArmFault fault) => _queue.Enqueue(fault);

    public void Clear() => _queue.Clear();

    internal ArmFault? Take(string method, string type, string? name)
    {
        lock (_lock)
        {
            var all = _queue.ToArray();
            var match = Array.FindIndex(all, f => f.Method == method && string.Equals(f.Type, type, StringComparison.OrdinalIgnoreCase) && (f.Name is null || string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)));
            if (match < 0)
            {
                return null;
            }

            _queue.Clear();
            for (var k = 0; k < all.Length; k++)
            {
                if (k != match)
                {
                    _queue.Enqueue(all[k]);
                }
            }

            return all[match];
        }
    }
}
