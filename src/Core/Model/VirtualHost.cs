namespace CloudIngress.Core.Model;

public enum HostMatchKind
{
    Exact,
    Wildcard,
    Any,
}

/// <summary>
/// The routes of one host on one listener, in precedence order: the first route whose path
/// matches wins. Requests that match the host but no path get the listener's default action.
/// </summary>
public sealed record VirtualHost
{
    /// <summary><c>app.example.com</c>, <c>*.example.com</c>, or <c>*</c> for rules without a host.</summary>
    public required string Host { get; init; }

    public HostMatchKind Match { get; init; }

    public IReadOnlyList<Route> Routes { get; init; } = [];
}
