using CloudIngress.Core.Resources;

namespace CloudIngress.Providers.MetalLb.Config;

/// <summary>Selector checks MetalLB makes before it accepts a pool or an advertisement.</summary>
public static class LabelSelectors
{
    public static string? Problem(LabelSelector selector)
    {
        var expressions = selector.MatchExpressions ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            if (expressions[i].Problem is { } problem)
            {
                return $"matchExpressions[{i}] {problem}";
            }
        }

        return null;
    }

    /// <summary>Equal matchLabels and the same expressions in the same order.</summary>
    public static bool Same(LabelSelector a, LabelSelector b) =>
        Text(a) == Text(b);

    private static string Text(LabelSelector s) =>
        string.Join(",", (s.MatchLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))
        + "|" + string.Join(";", (s.MatchExpressions ?? []).Select(e => $"{e.Key} {e.Operator} {string.Join(",", e.Values ?? [])}"));
}
