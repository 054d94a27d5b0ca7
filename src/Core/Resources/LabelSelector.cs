namespace CloudIngress.Core.Resources;

/// <summary><c>metav1.LabelSelector</c>: every matchLabels entry and every expression must hold; an empty selector matches everything.</summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        return (MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
            && (MatchExpressions ?? []).All(e => e.Matches(labels));
    }
}

/// <summary>One <c>matchExpressions</c> entry: <c>In</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>.</summary>
public sealed record LabelSelectorRequirement
{
    public string? Key { get; init; }

    public string? Operator { get; init; }

    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Null when valid, else why the API server would refuse it.</summary>
    public string? Problem => Operator switch
    {
        _ when string.IsNullOrEmpty(Key) => "needs a key",
        "In" or "NotIn" when Values is not { Count: > 0 } => $"operator {Operator} needs values",
        "Exists" or "DoesNotExist" when Values is { Count: > 0 } => $"operator {Operator} takes no values",
        "In" or "NotIn" or "Exists" or "DoesNotExist" => null,
        _ => $"operator \"{Operator}\" is not In, NotIn, Exists or DoesNotExist",
    };

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(Key ?? string.Empty, out var value);
        return Operator switch
        {
            "In" => present && (Values ?? []).Contains(value!),
            "NotIn" => !present || !(Values ?? []).Contains(value!),
            "Exists" => present,
            "DoesNotExist" => !present,
            _ => false,
        };
    }
}
