namespace CloudIngress.Core.Model;

public enum RouteActionKind
{
    Forward,
    Redirect,
    FixedResponse,
}

/// <summary>What a matched request gets. One flat record, so every provider reads the same shape.</summary>
public sealed record RouteAction
{
    public static readonly RouteAction NotFound = new() { Kind = RouteActionKind.FixedResponse, StatusCode = 404 };

    public RouteActionKind Kind { get; init; }

    /// <summary>Forward: pools with weights (1 pool: weight 100).</summary>
    public IReadOnlyList<WeightedBackend>? Backends { get; init; }

    /// <summary>Forward: an optional canary that takes requests by header, then by weight.</summary>
    public CanaryRule? Canary { get; init; }

    /// <summary>Redirect: the scheme (https) and port to send the client to.</summary>
    public string? RedirectScheme { get; init; }

    public int? RedirectPort { get; init; }

    /// <summary>Redirect (308) and FixedResponse.</summary>
    public int? StatusCode { get; init; }

    public static RouteAction Forward(string backend) =>
        new() { Kind = RouteActionKind.Forward, Backends = [new WeightedBackend(backend, 100)] };

    public static RouteAction RedirectToHttps(int port) =>
        new() { Kind = RouteActionKind.Redirect, RedirectScheme = "https", RedirectPort = port, StatusCode = 308 };
}

public sealed record WeightedBackend(string Backend, int Weight);

/// <summary>
/// Requests carrying <see cref="Header"/> (equal to <see cref="HeaderValue"/> when set, else "always")
/// go to the canary; "never" keeps them on the primary; the rest are split by <see cref="Weight"/> percent.
/// </summary>
public sealed record CanaryRule(string Backend, int Weight, string? Header, string? HeaderValue, Diagnostics.ObjectRef Source);
