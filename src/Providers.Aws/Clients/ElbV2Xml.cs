using CloudIngress.Providers.Aws.Plan;
using System.Globalization;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>ELBv2 answers (XML, namespaces stripped) read into the typed records, in the normal form the diff compares.</summary>
internal static class ElbV2Xml
{
    internal static IEnumerable<XElement> Members(XElement parent, string listName) =>
        parent.Element(listName)?.Elements("member") ?? [];

    internal static ElbLoadBalancer ParseLoadBalancer(XElement e) => new(
        (string)e.Element("LoadBalancerArn")!,
        (string)e.Element("LoadBalancerName")!,
        (string?)e.Element("Type") == "network" ? LoadBalancerType.Network : LoadBalancerType.Application,
        (string?)e.Element("Scheme") ?? "internet-facing",
        (string?)e.Element("DNSName") ?? string.Empty,
        (string?)e.Element("VpcId"),
        (string?)e.Element("State")?.Element("Code") ?? "active")
    {
        SecurityGroups = Members(e, "SecurityGroups").Select(m => m.Value).ToList(),
        Subnets = Members(e, "AvailabilityZones").Select(z => (string?)z.Element("SubnetId")).OfType<string>().ToList(),
    };

    internal static ElbListener ParseListener(XElement e) => new(
        (string)e.Element("ListenerArn")!,
        (string)e.Element("LoadBalancerArn")!,
        Int(e.Element("Port")),
        (string)e.Element("Protocol")!,
        (string?)e.Element("SslPolicy"),
        Members(e, "Certificates").Select(c => (string?)c.Element("CertificateArn")).FirstOrDefault(),
        ParseActions(e.Element("DefaultActions")));

    internal static ElbRule ParseRule(XElement e)
    {
        var priority = (string?)e.Element("Priority");
        var conditions = Members(e, "Conditions").Select(ParseCondition).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToValueList();
        return new ElbRule((string)e.Element("RuleArn")!,
            priority is null or "default" ? null : int.Parse(priority, CultureInfo.InvariantCulture),
            new RuleSpec(conditions, ParseActions(e.Element("Actions"))));
    }

    internal static ConditionSpec ParseCondition(XElement c)
    {
        var field = (string)c.Element("Field")!;
        var config = field switch
        {
            "host-header" => c.Element("HostHeaderConfig"),
            "path-pattern" => c.Element("PathPatternConfig"),
            "http-header" => c.Element("HttpHeaderConfig"),
            "source-ip" => c.Element("SourceIpConfig"),
            _ => null,
        };
        var values = Members(config ?? c, "Values").Select(v => v.Value).ToList();
        if (values.Count == 0 && config is not null)
        {
            values = Members(c, "Values").Select(v => v.Value).ToList();
        }

        return new ConditionSpec(field, values, (string?)c.Element("HttpHeaderConfig")?.Element("HttpHeaderName"));
    }

    internal static ValueList<ActionSpec> ParseActions(XElement? list) =>
        (list?.Elements("member") ?? [])
            .OrderBy(a => (int?)a.Element("Order") ?? 0)
            .Select(ParseAction)
            .ToValueList();

    internal static ActionSpec ParseAction(XElement a)
    {
        // Action types in any case: the parts of an action are read by what they mean.
        var type = ((string)a.Element("Type")!).ToLowerInvariant();
        switch (type)
        {
            case "forward":
                var weighted = Members(a.Element("ForwardConfig") ?? new XElement("none"), "TargetGroups")
                    .Select(t => new ForwardTarget((string)t.Element("TargetGroupArn")!, (int?)t.Element("Weight") ?? 1)).ToList();
                if (weighted.Count == 0 && (string?)a.Element("TargetGroupArn") is { } single)
                {
                    weighted.Add(new ForwardTarget(single, 1));
                }

                return ActionSpec.ForwardTo(weighted);
            case "redirect":
                var r = a.Element("RedirectConfig");
                return new ActionSpec
                {
                    Type = type,
                    RedirectProtocol = (string?)r?.Element("Protocol"),
                    RedirectPort = (string?)r?.Element("Port"),
                    RedirectStatus = (string?)r?.Element("StatusCode"),
                };
            default:
                var f = a.Element("FixedResponseConfig");
                return new ActionSpec
                {
                    Type = type,
                    FixedStatus = (string?)f?.Element("StatusCode"),
                    ContentType = (string?)f?.Element("ContentType"),
                    MessageBody = (string?)f?.Element("MessageBody") ?? string.Empty,
                };
        }
    }

    internal static ElbTargetGroup ParseTargetGroup(XElement e) => new(
        (string)e.Element("TargetGroupArn")!,
        (string)e.Element("TargetGroupName")!,
        (string)e.Element("Protocol")!,
        (string?)e.Element("ProtocolVersion"),
        Int(e.Element("Port")),
        (string?)e.Element("VpcId"),
        (string?)e.Element("TargetType") ?? "instance",
        new HealthCheckSpec(
            (string?)e.Element("HealthCheckProtocol") ?? "HTTP",
            (string?)e.Element("HealthCheckPort") ?? "traffic-port",
            (string?)e.Element("HealthCheckPath"),
            (int?)e.Element("HealthCheckIntervalSeconds") ?? 30,
            (int?)e.Element("HealthCheckTimeoutSeconds") ?? 5,
            (int?)e.Element("HealthyThresholdCount") ?? 5,
            (int?)e.Element("UnhealthyThresholdCount") ?? 2,
            (string?)e.Element("Matcher")?.Element("HttpCode"),
            (string?)e.Element("Matcher")?.Element("GrpcCode")))
    {
        LoadBalancerArns = Members(e, "LoadBalancerArns").Select(m => m.Value).ToList(),
    };

    internal static IReadOnlyDictionary<string, string> ParseAttributes(XElement result) =>
        Members(result, "Attributes").ToDictionary(a => (string)a.Element("Key")!, a => (string?)a.Element("Value") ?? string.Empty, StringComparer.Ordinal);

    internal static IReadOnlyDictionary<string, string> ParseTags(XElement? tags) =>
        (tags?.Elements("member") ?? []).ToDictionary(t => (string)t.Element("Key")!, t => (string?)t.Element("Value") ?? string.Empty, StringComparer.Ordinal);

    internal static int Int(XElement? e) => e is null ? 0 : int.Parse(e.Value, CultureInfo.InvariantCulture);
}
