namespace CloudIngress.Core.Annotations;

/// <summary>
/// Active health checking. Defaults follow the ALB target group defaults so that the same
/// manifest behaves alike on every provider.
/// </summary>
public sealed record HealthCheckSettings
{
    public string Path { get; init; } = "/";

    /// <summary>Null means the traffic port (each endpoint's own port).</summary>
    public int? Port { get; init; }

    /// <summary>Null means the backend protocol.</summary>
    public string? Protocol { get; init; }

    public int IntervalSeconds { get; init; } = 15;

    public int TimeoutSeconds { get; init; } = 5;

    public int HealthyThreshold { get; init; } = 2;

    public int UnhealthyThreshold { get; init; } = 2;

    /// <summary>ALB matcher syntax: <c>200</c>, <c>200,204</c> or <c>200-399</c>.</summary>
    public string SuccessCodes { get; init; } = "200";
}
