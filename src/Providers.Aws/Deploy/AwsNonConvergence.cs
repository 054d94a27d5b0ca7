using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// A field that an apply wrote and read back unchanged: the operation was carried out, and the next
/// read asked for it again. <see cref="Members"/> are the Ingresses and Services whose load balancer
/// the resource belongs to (none for a resource that is not planned any more).
/// </summary>
public sealed record AwsRepeatedOperation
{
    public required AwsOperation Operation { get; init; }

    public string Call => Operation.Call;

    public string ResourceKey => Operation.ResourceKey;

    public required string Field { get; init; }

    public required string Desired { get; init; }

    public required string Observed { get; init; }

    public IReadOnlyList<ObjectRef> Members { get; init; } = [];

    public override string ToString() => $"{Call} {ResourceKey} {Field}: desired {Desired}, observed {Observed}";
}

/// <summary>Why an apply did not converge (pure): the operations that came back, and a diagnostic for each member they touch.</summary>
public static class AwsNonConvergence
{
    private const int MaxListed = 5;

    /// <summary>The operations of <paramref name="pending"/> that <paramref name="done"/> (a pass carried out in full) already made.</summary>
    public static IReadOnlyList<AwsRepeatedOperation> Repeated(IReadOnlyList<AwsOperation> pending, IReadOnlyList<AwsOperation> done, AwsPlan plan)
    {
        var made = done.Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal);
        var members = MembersByResource(plan);
        return [.. pending.Where(o => made.Contains(o.ToString())).SelectMany(o => Fields(o).Select(f => new AwsRepeatedOperation
        {
            Operation = o,
            Field = f.Field,
            Desired = f.Desired,
            Observed = f.Observed,
            Members = members.GetValueOrDefault(o.ResourceKey) ?? [],
        }))];
    }

    /// <summary>One <see cref="DiagnosticCodes.CloudNotConverging"/> error per member, listing what AWS did not keep.</summary>
    public static IReadOnlyList<Diagnostic> Diagnostics(IReadOnlyList<AwsRepeatedOperation> repeated, int passes) =>
        [.. repeated.SelectMany(r => r.Members.Select(m => (Member: m, Repeated: r)))
            .GroupBy(x => x.Member)
            .Select(g => new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.CloudNotConverging, g.Key, null,
                $"AWS did not keep what was written for this object's load balancer ({passes.ToString(CultureInfo.InvariantCulture)} passes): " + Listing([.. g.Select(x => x.Repeated).Distinct()])))
            .Order()];

    /// <summary>The first few repeated fields, one after the other, and how many more there are.</summary>
    public static string Listing(IReadOnlyList<AwsRepeatedOperation> repeated)
    {
        var shown = string.Join("; ", repeated.Take(MaxListed));
        return repeated.Count > MaxListed ? $"{shown}; and {(repeated.Count - MaxListed).ToString(CultureInfo.InvariantCulture)} more" : shown;
    }

    /// <summary>The fields an operation sets; a create or delete sets the resource itself.</summary>
    private static IReadOnlyList<AwsFieldChange> Fields(AwsOperation operation) =>
        operation.Changes.Count > 0 ? operation.Changes
        : operation.Verb == '-' ? [new AwsFieldChange("resource " + operation.Subject, AwsFieldChange.Absent, "present")]
        : [new AwsFieldChange("resource " + operation.Subject, "present", AwsFieldChange.Absent)];

    private static Dictionary<string, IReadOnlyList<ObjectRef>> MembersByResource(AwsPlan plan)
    {
        var members = new Dictionary<string, List<ObjectRef>>(StringComparer.Ordinal);
        void Add(string key, IEnumerable<ObjectRef> refs)
        {
            if (!members.TryGetValue(key, out var list))
            {
                members[key] = list = [];
            }

            list.AddRange(refs.Where(r => !list.Contains(r)));
        }

        var byLoadBalancer = plan.LoadBalancers.ToDictionary(l => l.Key, l => l.Members, StringComparer.Ordinal);
        foreach (var lb in plan.LoadBalancers)
        {
            Add(lb.Key, lb.Members);
            Add(lb.SecurityGroupKey, lb.Members);
            foreach (var import in lb.Listeners.SelectMany(l => l.Certificates).Select(c => c.ImportKey).OfType<string>())
            {
                Add(import, lb.Members);
            }
        }

        foreach (var tg in plan.TargetGroups)
        {
            Add(tg.Key, byLoadBalancer.GetValueOrDefault(tg.LoadBalancerKey) ?? ValueList<ObjectRef>.Empty);
        }

        return members.ToDictionary(m => m.Key, m => (IReadOnlyList<ObjectRef>)m.Value, StringComparer.Ordinal);
    }
}
