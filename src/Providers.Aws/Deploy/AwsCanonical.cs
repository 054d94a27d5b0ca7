using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// The meaning of a value rather than its spelling (pure), so that the diff never asks to write what
/// is already there: protocol names in any case, an absent value and AWS's empty or default form of
/// it, lists whose order AWS ignores. Desired and observed are both put in this form before they
/// are compared. A correct endpoint may answer in any of these spellings.
/// </summary>
public static class AwsCanonical
{
    /// <summary>
    /// What AWS reports for an attribute nobody set. An endpoint that leaves such an attribute out
    /// (moto does) holds the default, not "something else".
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> AttributeDefaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["routing.http.drop_invalid_header_fields.enabled"] = "false",
        ["proxy_protocol_v2.enabled"] = "false",
        ["deletion_protection.enabled"] = "false",
        ["deregistration_delay.timeout_seconds"] = "300",
        ["stickiness.enabled"] = "false",
    };

    public static string Protocol(string protocol) => protocol.ToUpperInvariant();

    /// <summary>A health check's meaning: path and matcher exist only for HTTP(S) checks; "" is no value.</summary>
    public static HealthCheckSpec HealthCheck(HealthCheckSpec check)
    {
        var protocol = Protocol(check.Protocol);
        var http = protocol is "HTTP" or "HTTPS";
        return check with
        {
            Protocol = protocol,
            Port = check.Port.Equals("traffic-port", StringComparison.OrdinalIgnoreCase) ? "traffic-port" : check.Port,
            Path = http ? Value(check.Path) : null,
            HttpCode = http ? Value(check.HttpCode) : null,
            GrpcCode = http ? Value(check.GrpcCode) : null,
        };
    }

    /// <summary>Whether an attribute holds the desired value; absent means AWS's default.</summary>
    public static bool SameAttribute(string key, string desired, string? observed)
    {
        observed ??= AttributeDefaults.GetValueOrDefault(key);
        return observed is not null && string.Equals(desired.Trim(), observed.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The attributes of <paramref name="desired"/> that <paramref name="observed"/> does not hold.</summary>
    public static Dictionary<string, string> ChangedAttributes(IReadOnlyDictionary<string, string> desired, IReadOnlyDictionary<string, string> observed) =>
        desired.Where(a => !SameAttribute(a.Key, a.Value, observed.GetValueOrDefault(a.Key))).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    public static ActionSpec Action(ActionSpec action)
    {
        var type = action.Type.ToLowerInvariant();
        return type switch
        {
            // Weights of a lone target mean nothing; the order of several means nothing either.
            "forward" => ActionSpec.ForwardTo(action.Forward.OrderBy(t => t.TargetGroup, StringComparer.Ordinal)),
            "redirect" => new ActionSpec
            {
                Type = type,
                RedirectProtocol = Value(action.RedirectProtocol)?.ToUpperInvariant(),
                RedirectPort = Value(action.RedirectPort),
                RedirectStatus = Value(action.RedirectStatus)?.ToUpperInvariant(),
            },
            _ => new ActionSpec
            {
                Type = type,
                FixedStatus = Value(action.FixedStatus),
                ContentType = Value(action.ContentType)?.ToLowerInvariant(),
                MessageBody = action.MessageBody ?? string.Empty,
            },
        };
    }

    /// <summary>Host names match in any case; values and conditions are in a fixed order (ELBv2 ignores theirs).</summary>
    public static RuleSpec Rule(RuleSpec rule) => new(
        rule.Conditions.Select(Condition).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToValueList(),
        rule.Actions.Select(Action).ToValueList());

    public static ConditionSpec Condition(ConditionSpec condition)
    {
        var field = condition.Field.ToLowerInvariant();
        var values = field == "host-header" ? condition.Values.Select(v => v.ToLowerInvariant()) : condition.Values;
        return new ConditionSpec(field, values.Distinct(StringComparer.Ordinal),
            field == "http-header" ? condition.HeaderName?.ToLowerInvariant() : condition.HeaderName);
    }

    /// <summary>EC2 reports protocols by name or by IANA number.</summary>
    public static Ec2Permission Permission(Ec2Permission permission) => permission with
    {
        Protocol = permission.Protocol.ToLowerInvariant() switch
        {
            "6" => "tcp",
            "17" => "udp",
            "58" => "icmpv6",
            "1" => "icmp",
            var p => p,
        },
        Cidr = permission.Cidr.Trim(),
    };

    public static bool SameText(string? desired, string? observed) =>
        string.Equals(Value(desired), Value(observed), StringComparison.OrdinalIgnoreCase);

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
