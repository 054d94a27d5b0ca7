using System.Globalization;
using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>ELBv2 resources as the 2015-12-01 API returns them (each is the content of one <c>member</c>).</summary>
internal static class ElbV2Xml
{
    // us-east-1's hosted zones; other regions have their own, which clients only pass on to Route 53.
    private const string ApplicationZone = "Z35SXDOTRQ7X7K";
    private const string NetworkZone = "Z26RNL4JYFTOTI";

    public static object[] LoadBalancer(AwsState state, LoadBalancer lb) =>
    [
        E("LoadBalancerArn", lb.Arn),
        E("DNSName", lb.DnsName),
        E("CanonicalHostedZoneId", lb.Type == "network" ? NetworkZone : ApplicationZone),
        E("CreatedTime", Time(lb.CreatedTime)),
        E("LoadBalancerName", lb.Name),
        E("Scheme", lb.Scheme),
        E("VpcId", lb.VpcId),
        E("State", E("Code", "active")),
        E("Type", lb.Type),
        Members("AvailabilityZones", lb.Subnets.Select(s => new object[] { E("ZoneName", state.Subnets[s].AvailabilityZone), E("SubnetId", s) })),
        Members("SecurityGroups", lb.SecurityGroups),
        E("IpAddressType", lb.IpAddressType),
    ];

    public static object?[] Listener(Listener listener) =>
    [
        E("ListenerArn", listener.Arn),
        E("LoadBalancerArn", listener.LoadBalancerArn),
        E("Port", listener.Port),
        E("Protocol", listener.Protocol),
        listener.Certificates.Count > 0 ? Members("Certificates", [E("CertificateArn", listener.Certificates[0])]) : null,
        Opt("SslPolicy", listener.SslPolicy),
        Members("DefaultActions", listener.DefaultActions.Select(Action)),
    ];

    public static object[] Rule(Rule rule) =>
    [
        E("RuleArn", rule.Arn),
        E("Priority", rule.Priority?.ToString(CultureInfo.InvariantCulture) ?? "default"),
        Members("Conditions", rule.Conditions.Select(Condition)),
        Members("Actions", rule.Actions.Select(Action)),
        E("IsDefault", rule.IsDefault),
    ];

    public static object?[] TargetGroup(AwsState state, TargetGroup group)
    {
        var health = group.HealthCheck;
        return
        [
            E("TargetGroupArn", group.Arn),
            E("TargetGroupName", group.Name),
            E("Protocol", group.Protocol),
            Opt("ProtocolVersion", group.ProtocolVersion),
            E("Port", group.Port),
            E("VpcId", group.VpcId),
            E("HealthCheckEnabled", health.Enabled),
            E("HealthCheckProtocol", health.Protocol),
            E("HealthCheckPort", health.Port),
            Opt("HealthCheckPath", health.Path),
            E("HealthCheckIntervalSeconds", health.IntervalSeconds),
            E("HealthCheckTimeoutSeconds", health.TimeoutSeconds),
            E("HealthyThresholdCount", health.HealthyThresholdCount),
            E("UnhealthyThresholdCount", health.UnhealthyThresholdCount),
            health.HttpCode is null && health.GrpcCode is null ? null : E("Matcher", Opt("HttpCode", health.HttpCode), Opt("GrpcCode", health.GrpcCode)),
            Members("LoadBalancerArns", state.LoadBalancersForwardingTo(group.Arn)),
            E("TargetType", group.TargetType),
            E("IpAddressType", "ipv4"),
        ];
    }

    public static XElement Attributes(IReadOnlyDictionary<string, string> attributes) =>
        Members("Attributes", attributes.Select(a => new object[] { E("Key", a.Key), E("Value", a.Value) }));

    public static object?[] Action(RuleAction action) => action.Type switch
    {
        "forward" =>
        [
            E("Type", "forward"),
            action.TargetGroups.Count == 1 ? E("TargetGroupArn", action.TargetGroups[0].TargetGroupArn) : null,
            E("ForwardConfig",
                Members("TargetGroups", action.TargetGroups.Select(g => new object[] { E("TargetGroupArn", g.TargetGroupArn), E("Weight", g.Weight) })),
                E("TargetGroupStickinessConfig", E("Enabled", false))),
            E("Order", action.Order),
        ],
        "redirect" when action.Redirect is { } r =>
        [
            E("Type", "redirect"),
            E("RedirectConfig", E("Protocol", r.Protocol), E("Port", r.Port), E("Host", r.Host), E("Path", r.Path), E("Query", r.Query), E("StatusCode", r.StatusCode)),
            E("Order", action.Order),
        ],
        _ =>
        [
            E("Type", "fixed-response"),
            E("FixedResponseConfig", Opt("MessageBody", action.FixedResponse?.MessageBody), E("StatusCode", action.FixedResponse?.StatusCode), Opt("ContentType", action.FixedResponse?.ContentType)),
            E("Order", action.Order),
        ],
    };

    /// <summary>Structured config plus, for host-header and path-pattern, the legacy Values as AWS returns both.</summary>
    public static object?[] Condition(RuleCondition condition) => condition.Field switch
    {
        "host-header" => [E("Field", condition.Field), Members("Values", condition.Values), E("HostHeaderConfig", Members("Values", condition.Values))],
        "path-pattern" => [E("Field", condition.Field), Members("Values", condition.Values), E("PathPatternConfig", Members("Values", condition.Values))],
        "http-header" => [E("Field", condition.Field), E("HttpHeaderConfig", E("HttpHeaderName", condition.HttpHeaderName), Members("Values", condition.Values))],
        _ => [E("Field", condition.Field), E("SourceIpConfig", Members("Values", condition.Values))],
    };

    public static XElement Tags(IReadOnlyDictionary<string, string> tags) =>
        Members("Tags", tags.Select(t => new object[] { E("Key", t.Key), E("Value", t.Value) }));
}
