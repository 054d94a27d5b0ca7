namespace CloudIngress.Providers.Aws.Plan;

public enum LoadBalancerType
{
    Application,
    Network,
}

/// <summary>
/// One rule condition as ELBv2 knows it: <c>host-header</c>, <c>path-pattern</c>,
/// <c>http-header</c> (with <see cref="HeaderName"/>) or <c>source-ip</c>. Values are kept sorted:
/// their order means nothing to ELBv2, so it must mean nothing to the diff.
/// </summary>
public sealed record ConditionSpec
{
    public ConditionSpec(string field, IEnumerable<string> values, string? headerName = null)
    {
        Field = field;
        Values = values.Order(StringComparer.Ordinal).ToValueList();
        HeaderName = headerName;
    }

    public string Field { get; }

    public ValueList<string> Values { get; }

    public string? HeaderName { get; }

    public override string ToString() => HeaderName is null ? $"{Field}={string.Join('|', Values)}" : $"{Field}:{HeaderName}={string.Join('|', Values)}";
}

/// <summary>A target group in a forward action: a key in desired state, an ARN in actual state.</summary>
public sealed record ForwardTarget(string TargetGroup, int Weight);

/// <summary>
/// One action. Written in the normal form ELBv2 describes back, so that what was created compares
/// equal to what is desired: a lone forward target has weight 1; redirects spell out host, path and
/// query; fixed responses always carry a content type.
/// </summary>
public sealed record ActionSpec
{
    public required string Type { get; init; }

    public ValueList<ForwardTarget> Forward { get; init; } = ValueList<ForwardTarget>.Empty;

    public string? RedirectProtocol { get; init; }

    public string? RedirectPort { get; init; }

    /// <summary><c>HTTP_301</c> or <c>HTTP_302</c>.</summary>
    public string? RedirectStatus { get; init; }

    public string? FixedStatus { get; init; }

    public string? ContentType { get; init; }

    public string? MessageBody { get; init; }

    public static ActionSpec ForwardTo(IEnumerable<ForwardTarget> targets)
    {
        var list = targets.ToList();
        return new ActionSpec { Type = "forward", Forward = (list.Count == 1 ? [list[0] with { Weight = 1 }] : list).ToValueList() };
    }

    public static ActionSpec Redirect(string protocol, int port) => new()
    {
        Type = "redirect",
        RedirectProtocol = protocol,
        RedirectPort = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        RedirectStatus = "HTTP_301",
    };

    public static ActionSpec Fixed(int status, string body = "") => new()
    {
        Type = "fixed-response",
        FixedStatus = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ContentType = "text/plain",
        MessageBody = body,
    };

    /// <summary>The same action with its target groups renamed (keys to ARNs and back).</summary>
    public ActionSpec MapTargets(Func<string, string> map) =>
        Forward.Count == 0 ? this : this with { Forward = Forward.Select(t => t with { TargetGroup = map(t.TargetGroup) }).ToValueList() };

    public override string ToString() => Type switch
    {
        "forward" => "forward " + string.Join(", ", Forward.Select(t => Forward.Count == 1 ? t.TargetGroup : $"{t.TargetGroup}={t.Weight}")),
        "redirect" => $"redirect {RedirectProtocol}:{RedirectPort} {RedirectStatus}",
        _ => $"fixed-response {FixedStatus}",
    };
}

/// <summary>A listener rule without its priority: the priority is where it sits in the list.</summary>
public sealed record RuleSpec(ValueList<ConditionSpec> Conditions, ValueList<ActionSpec> Actions)
{
    public RuleSpec MapTargets(Func<string, string> map) => this with { Actions = Actions.Select(a => a.MapTargets(map)).ToValueList() };

    public override string ToString() => $"{string.Join(" & ", Conditions)} -> {string.Join("; ", Actions)}";
}

/// <summary>A target group's health check; <see cref="Port"/> is a number or <c>traffic-port</c>.</summary>
public sealed record HealthCheckSpec(
    string Protocol,
    string Port,
    string? Path,
    int IntervalSeconds,
    int TimeoutSeconds,
    int HealthyThreshold,
    int UnhealthyThreshold,
    string? HttpCode,
    string? GrpcCode);

public sealed record TargetSpec(string Id, int Port)
{
    public override string ToString() => $"{Id}:{Port}";
}
