namespace CloudIngress.Emulators.Aws;

/// <summary>Value equality of actions including their target group lists, for idempotent creates.</summary>
internal sealed class ActionComparer : IEqualityComparer<RuleAction>
{
    public static readonly ActionComparer Instance = new();

    public bool Equals(RuleAction? x, RuleAction? y) =>
        x is not null && y is not null && x.Type == y.Type && x.Order == y.Order && x.Redirect == y.Redirect
        && x.FixedResponse == y.FixedResponse && x.TargetGroups.SequenceEqual(y.TargetGroups);

    public int GetHashCode(RuleAction obj) => HashCode.Combine(obj.Type, obj.Order);
}
