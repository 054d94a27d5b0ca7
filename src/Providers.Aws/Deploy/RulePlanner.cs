using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>The changes that turn a listener's actual rules into the desired ones.</summary>
public sealed record RuleChanges
{
    public IReadOnlyList<string> Delete { get; init; } = [];

    public IReadOnlyList<(string RuleArn, RuleSpec Rule)> Modify { get; init; } = [];

    public IReadOnlyList<(string RuleArn, int Priority)> Reprioritize { get; init; } = [];

    public IReadOnlyList<(int Priority, RuleSpec Rule)> Create { get; init; } = [];

    public int Count => Delete.Count + Modify.Count + (Reprioritize.Count > 0 ? 1 : 0) + Create.Count;
}

/// <summary>
/// Rules in as few calls as possible (pure). Desired rules are in priority order; what matters is
/// that order, not the numbers. Actual rules with the desired content are kept; leftover actual
/// rules are rewritten into leftover desired ones (ModifyRule, keeping their priority) before
/// anything is deleted or created. The kept rules whose priorities already rise in desired order
/// (a longest increasing run) keep them; everything else gets a number in the gap where it belongs,
/// so adding one path is one CreateRule. Only when a gap is too narrow is the listener renumbered
/// with room (steps of 10) for later additions.
/// </summary>
public static class RulePlanner
{
    public const int MaxPriority = 50_000;
    public const int Spacing = 10;

    public static IReadOnlyList<int> Fresh(int count)
    {
        var step = Math.Max(1, Math.Min(Spacing, MaxPriority / Math.Max(1, count + 1)));
        return [.. Enumerable.Range(1, count).Select(i => i * step)];
    }

    public static RuleChanges Plan(IReadOnlyList<RuleSpec> desired, IReadOnlyList<ElbRule> actual)
    {
        var pool = actual.Where(r => r.Priority is not null).OrderBy(r => r.Priority).ToList();
        var assigned = new ElbRule?[desired.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < desired.Count; i++)
        {
            var match = pool.FirstOrDefault(r => !used.Contains(r.Arn) && r.Rule == desired[i]);
            if (match is not null)
            {
                assigned[i] = match;
                used.Add(match.Arn);
            }
        }

        var modify = new List<(string, RuleSpec)>();
        var leftovers = new Queue<ElbRule>(pool.Where(r => !used.Contains(r.Arn)));
        for (var i = 0; i < desired.Count && leftovers.Count > 0; i++)
        {
            if (assigned[i] is null)
            {
                var reuse = leftovers.Dequeue();
                assigned[i] = reuse;
                used.Add(reuse.Arn);
                modify.Add((reuse.Arn, desired[i]));
            }
        }

        var delete = leftovers.Select(r => r.Arn).ToList();
        var priorities = Priorities(assigned.Select(a => a?.Priority).ToList());
        var reprioritize = new List<(string, int)>();
        var create = new List<(int, RuleSpec)>();
        for (var i = 0; i < desired.Count; i++)
        {
            if (assigned[i] is { } existing)
            {
                if (existing.Priority != priorities[i])
                {
                    reprioritize.Add((existing.Arn, priorities[i]));
                }
            }
            else
            {
                create.Add((priorities[i], desired[i]));
            }
        }

        return new RuleChanges { Delete = delete, Modify = modify, Reprioritize = reprioritize, Create = create };
    }

    /// <summary>Final priorities, strictly rising, keeping as many current ones as possible.</summary>
    private static int[] Priorities(IReadOnlyList<int?> current)
    {
        var n = current.Count;
        var anchors = LongestRising(current);
        var result = new int[n];
        var i = 0;
        while (i < n)
        {
            if (anchors.Contains(i))
            {
                result[i] = current[i]!.Value;
                i++;
                continue;
            }

            var start = i;
            while (i < n && !anchors.Contains(i))
            {
                i++;
            }

            var low = start == 0 ? 0 : result[start - 1];
            var high = i < n ? current[i]!.Value : MaxPriority + 1;
            var run = i - start;
            if (high - low - 1 < run)
            {
                return [.. Fresh(n)];
            }

            // After the last anchor leave the usual spacing; between anchors spread evenly.
            var step = i < n ? (high - low) / (run + 1) : Math.Min(Spacing, (high - low) / (run + 1));
            for (var j = 0; j < run; j++)
            {
                result[start + j] = low + (step * (j + 1));
            }
        }

        return result;
    }

    /// <summary>Indexes of a longest strictly increasing subsequence of the known priorities.</summary>
    private static HashSet<int> LongestRising(IReadOnlyList<int?> values)
    {
        var tails = new List<int>();
        var previous = new int[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            previous[i] = -1;
            if (values[i] is not { } v)
            {
                continue;
            }

            var lo = 0;
            var hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (values[tails[mid]]!.Value < v)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            previous[i] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(i);
            }
            else
            {
                tails[lo] = i;
            }
        }

        var result = new HashSet<int>();
        for (var k = tails.Count == 0 ? -1 : tails[^1]; k >= 0; k = previous[k])
        {
            result.Add(k);
        }

        return result;
    }
}
