using CloudIngress.Providers.Aws.Plan;
using System.Globalization;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// The Elastic Load Balancing v2 operations CloudIngress uses (API version 2015-12-01), typed, on
/// the Query protocol. Describe calls follow <c>NextMarker</c> to the end.
/// </summary>
public sealed class ElbV2Client(AwsQueryClient query)
{
    public const string ApiVersion = "2015-12-01";

    /// <summary>DescribeTags takes at most this many ARNs per call.</summary>
    public const int TagBatch = 20;

    public AwsQueryClient Query => query;

    public async Task<IReadOnlyList<ElbLoadBalancer>> DescribeLoadBalancersAsync(IReadOnlyList<string>? arns, CancellationToken ct) =>
        (await PagedAsync("DescribeLoadBalancers", "LoadBalancers", AwsQueryClient.Members("LoadBalancerArns", arns ?? []), ct)).Select(ParseLoadBalancer).ToList();

    public async Task<ElbLoadBalancer> CreateLoadBalancerAsync(string name, LoadBalancerType type, string scheme, IReadOnlyList<string> subnets,
        IReadOnlyList<string> securityGroups, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        var p = new Params { { "Name", name }, { "Type", type == LoadBalancerType.Application ? "application" : "network" }, { "Scheme", scheme }, { "IpAddressType", "ipv4" } };
        p.AddRange(AwsQueryClient.Members("Subnets", subnets));
        p.AddRange(AwsQueryClient.Members("SecurityGroups", securityGroups));
        p.AddRange(Tags("Tags", tags));
        var result = await query.CallAsync("CreateLoadBalancer", p, ct);
        return ParseLoadBalancer(Members(result, "LoadBalancers").Single());
    }

    public Task DeleteLoadBalancerAsync(string arn, CancellationToken ct) =>
        query.CallAsync("DeleteLoadBalancer", new Params { { "LoadBalancerArn", arn } }, ct);

    public Task SetSecurityGroupsAsync(string arn, IReadOnlyList<string> securityGroups, CancellationToken ct) =>
        query.CallAsync("SetSecurityGroups", new Params { { "LoadBalancerArn", arn } }.With(AwsQueryClient.Members("SecurityGroups", securityGroups)), ct);

    public async Task<IReadOnlyDictionary<string, string>> DescribeLoadBalancerAttributesAsync(string arn, CancellationToken ct) =>
        ParseAttributes(await query.CallAsync("DescribeLoadBalancerAttributes", new Params { { "LoadBalancerArn", arn } }, ct));

    public Task ModifyLoadBalancerAttributesAsync(string arn, IReadOnlyDictionary<string, string> attributes, CancellationToken ct) =>
        query.CallAsync("ModifyLoadBalancerAttributes", new Params { { "LoadBalancerArn", arn } }.With(Attributes(attributes)), ct);

    public async Task<IReadOnlyList<ElbListener>> DescribeListenersAsync(string loadBalancerArn, CancellationToken ct) =>
        (await PagedAsync("DescribeListeners", "Listeners", new Params { { "LoadBalancerArn", loadBalancerArn } }, ct)).Select(ParseListener).ToList();

    public async Task<ElbListener> CreateListenerAsync(string loadBalancerArn, int port, string protocol, string? sslPolicy, string? certificateArn,
        IReadOnlyList<ActionSpec> defaultActions, CancellationToken ct)
    {
        var p = new Params { { "LoadBalancerArn", loadBalancerArn } };
        p.AddRange(ListenerParams(port, protocol, sslPolicy, certificateArn, defaultActions));
        return ParseListener(Members(await query.CallAsync("CreateListener", p, ct), "Listeners").Single());
    }

    public Task ModifyListenerAsync(string listenerArn, int port, string protocol, string? sslPolicy, string? certificateArn,
        IReadOnlyList<ActionSpec> defaultActions, CancellationToken ct) =>
        query.CallAsync("ModifyListener", new Params { { "ListenerArn", listenerArn } }.With(ListenerParams(port, protocol, sslPolicy, certificateArn, defaultActions)), ct);

    public Task DeleteListenerAsync(string listenerArn, CancellationToken ct) =>
        query.CallAsync("DeleteListener", new Params { { "ListenerArn", listenerArn } }, ct);

    public async Task<IReadOnlyList<ElbListenerCertificate>> DescribeListenerCertificatesAsync(string listenerArn, CancellationToken ct) =>
        (await PagedAsync("DescribeListenerCertificates", "Certificates", new Params { { "ListenerArn", listenerArn } }, ct))
            .Select(c => new ElbListenerCertificate((string)c.Element("CertificateArn")!, (bool?)c.Element("IsDefault") ?? false)).ToList();

    public Task AddListenerCertificatesAsync(string listenerArn, IReadOnlyList<string> certificateArns, CancellationToken ct) =>
        query.CallAsync("AddListenerCertificates", new Params { { "ListenerArn", listenerArn } }.With(CertificateParams(certificateArns)), ct);

    public Task RemoveListenerCertificatesAsync(string listenerArn, IReadOnlyList<string> certificateArns, CancellationToken ct) =>
        query.CallAsync("RemoveListenerCertificates", new Params { { "ListenerArn", listenerArn } }.With(CertificateParams(certificateArns)), ct);

    public async Task<IReadOnlyList<ElbRule>> DescribeRulesAsync(string listenerArn, CancellationToken ct) =>
        (await PagedAsync("DescribeRules", "Rules", new Params { { "ListenerArn", listenerArn } }, ct)).Select(ParseRule).ToList();

    public async Task<string> CreateRuleAsync(string listenerArn, int priority, RuleSpec rule, CancellationToken ct)
    {
        var p = new Params { { "ListenerArn", listenerArn }, { "Priority", Text(priority) } };
        p.AddRange(RuleParams(rule));
        return (string)Members(await query.CallAsync("CreateRule", p, ct), "Rules").Single().Element("RuleArn")!;
    }

    public Task ModifyRuleAsync(string ruleArn, RuleSpec rule, CancellationToken ct) =>
        query.CallAsync("ModifyRule", new Params { { "RuleArn", ruleArn } }.With(RuleParams(rule)), ct);

    public Task SetRulePrioritiesAsync(IReadOnlyList<(string RuleArn, int Priority)> priorities, CancellationToken ct)
    {
        var p = new Params();
        for (var i = 0; i < priorities.Count; i++)
        {
            p.Add($"RulePriorities.member.{Text(i + 1)}.RuleArn", priorities[i].RuleArn);
            p.Add($"RulePriorities.member.{Text(i + 1)}.Priority", Text(priorities[i].Priority));
        }

        return query.CallAsync("SetRulePriorities", p, ct);
    }

    public Task DeleteRuleAsync(string ruleArn, CancellationToken ct) =>
        query.CallAsync("DeleteRule", new Params { { "RuleArn", ruleArn } }, ct);

    public async Task<IReadOnlyList<ElbTargetGroup>> DescribeTargetGroupsAsync(IReadOnlyList<string>? arns, CancellationToken ct) =>
        (await PagedAsync("DescribeTargetGroups", "TargetGroups", AwsQueryClient.Members("TargetGroupArns", arns ?? []), ct)).Select(ParseTargetGroup).ToList();

    public async Task<ElbTargetGroup> CreateTargetGroupAsync(string name, string protocol, string? protocolVersion, int port, string vpcId, string targetType,
        HealthCheckSpec health, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        var p = new Params { { "Name", name }, { "Protocol", protocol }, { "Port", Text(port) }, { "VpcId", vpcId }, { "TargetType", targetType } };
        if (protocolVersion is not null)
        {
            p.Add("ProtocolVersion", protocolVersion);
        }

        p.AddRange(HealthParams(health));
        p.AddRange(Tags("Tags", tags));
        return ParseTargetGroup(Members(await query.CallAsync("CreateTargetGroup", p, ct), "TargetGroups").Single());
    }

    public Task ModifyTargetGroupAsync(string arn, HealthCheckSpec health, CancellationToken ct) =>
        query.CallAsync("ModifyTargetGroup", new Params { { "TargetGroupArn", arn } }.With(HealthParams(health)), ct);

    public Task DeleteTargetGroupAsync(string arn, CancellationToken ct) =>
        query.CallAsync("DeleteTargetGroup", new Params { { "TargetGroupArn", arn } }, ct);

    public async Task<IReadOnlyDictionary<string, string>> DescribeTargetGroupAttributesAsync(string arn, CancellationToken ct) =>
        ParseAttributes(await query.CallAsync("DescribeTargetGroupAttributes", new Params { { "TargetGroupArn", arn } }, ct));

    public Task ModifyTargetGroupAttributesAsync(string arn, IReadOnlyDictionary<string, string> attributes, CancellationToken ct) =>
        query.CallAsync("ModifyTargetGroupAttributes", new Params { { "TargetGroupArn", arn } }.With(Attributes(attributes)), ct);

    public Task RegisterTargetsAsync(string arn, IReadOnlyList<TargetSpec> targets, CancellationToken ct) =>
        query.CallAsync("RegisterTargets", new Params { { "TargetGroupArn", arn } }.With(TargetParams(targets)), ct);

    public Task DeregisterTargetsAsync(string arn, IReadOnlyList<TargetSpec> targets, CancellationToken ct) =>
        query.CallAsync("DeregisterTargets", new Params { { "TargetGroupArn", arn } }.With(TargetParams(targets)), ct);

    public async Task<IReadOnlyList<ElbTargetHealth>> DescribeTargetHealthAsync(string arn, CancellationToken ct) =>
        Members(await query.CallAsync("DescribeTargetHealth", new Params { { "TargetGroupArn", arn } }, ct), "TargetHealthDescriptions")
            .Select(d => new ElbTargetHealth(
                new TargetSpec((string)d.Element("Target")!.Element("Id")!, Int(d.Element("Target")!.Element("Port"))),
                (string?)d.Element("TargetHealth")?.Element("State") ?? "unknown"))
            .ToList();

    /// <summary>Tags of many resources, <see cref="TagBatch"/> ARNs per call.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> DescribeTagsAsync(IReadOnlyList<string> arns, CancellationToken ct)
    {
        var tags = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var batch in arns.Distinct(StringComparer.Ordinal).Chunk(TagBatch))
        {
            var result = await query.CallAsync("DescribeTags", AwsQueryClient.Members("ResourceArns", batch), ct);
            foreach (var d in Members(result, "TagDescriptions"))
            {
                tags[(string)d.Element("ResourceArn")!] = ParseTags(d.Element("Tags"));
            }
        }

        return tags;
    }

    public Task AddTagsAsync(IReadOnlyList<string> arns, IReadOnlyDictionary<string, string> tags, CancellationToken ct) =>
        query.CallAsync("AddTags", AwsQueryClient.Members("ResourceArns", arns).Concat(Tags("Tags", tags)), ct);

    public Task RemoveTagsAsync(IReadOnlyList<string> arns, IReadOnlyList<string> keys, CancellationToken ct) =>
        query.CallAsync("RemoveTags", AwsQueryClient.Members("ResourceArns", arns).Concat(AwsQueryClient.Members("TagKeys", keys)), ct);

    private async Task<List<XElement>> PagedAsync(string action, string listName, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        var fixedParams = parameters.ToList();
        var all = new List<XElement>();
        string? marker = null;
        do
        {
            var p = new List<KeyValuePair<string, string>>(fixedParams);
            if (marker is not null)
            {
                p.Add(new("Marker", marker));
            }

            var result = await query.CallAsync(action, p, ct);
            all.AddRange(Members(result, listName));
            marker = (string?)result.Element("NextMarker");
        }
        while (!string.IsNullOrEmpty(marker));
        return all;
    }

    private static IEnumerable<XElement> Members(XElement parent, string listName) =>
        parent.Element(listName)?.Elements("member") ?? [];

    private static ElbLoadBalancer ParseLoadBalancer(XElement e) => new(
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

    private static ElbListener ParseListener(XElement e) => new(
        (string)e.Element("ListenerArn")!,
        (string)e.Element("LoadBalancerArn")!,
        Int(e.Element("Port")),
        (string)e.Element("Protocol")!,
        (string?)e.Element("SslPolicy"),
        Members(e, "Certificates").Select(c => (string?)c.Element("CertificateArn")).FirstOrDefault(),
        ParseActions(e.Element("DefaultActions")));

    private static ElbRule ParseRule(XElement e)
    {
        var priority = (string?)e.Element("Priority");
        var conditions = Members(e, "Conditions").Select(ParseCondition).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToValueList();
        return new ElbRule((string)e.Element("RuleArn")!,
            priority is null or "default" ? null : int.Parse(priority, CultureInfo.InvariantCulture),
            new RuleSpec(conditions, ParseActions(e.Element("Actions"))));
    }

    private static ConditionSpec ParseCondition(XElement c)
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

    private static ValueList<ActionSpec> ParseActions(XElement? list) =>
        (list?.Elements("member") ?? [])
            .OrderBy(a => (int?)a.Element("Order") ?? 0)
            .Select(ParseAction)
            .ToValueList();

    private static ActionSpec ParseAction(XElement a)
    {
        var type = (string)a.Element("Type")!;
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

    private static ElbTargetGroup ParseTargetGroup(XElement e) => new(
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

    private static IReadOnlyDictionary<string, string> ParseAttributes(XElement result) =>
        Members(result, "Attributes").ToDictionary(a => (string)a.Element("Key")!, a => (string?)a.Element("Value") ?? string.Empty, StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> ParseTags(XElement? tags) =>
        (tags?.Elements("member") ?? []).ToDictionary(t => (string)t.Element("Key")!, t => (string?)t.Element("Value") ?? string.Empty, StringComparer.Ordinal);

    private static Params ListenerParams(int port, string protocol, string? sslPolicy, string? certificateArn, IReadOnlyList<ActionSpec> actions)
    {
        var p = new Params { { "Port", Text(port) }, { "Protocol", protocol } };
        if (sslPolicy is not null)
        {
            p.Add("SslPolicy", sslPolicy);
        }

        if (certificateArn is not null)
        {
            p.AddRange(CertificateParams([certificateArn]));
        }

        p.AddRange(ActionParams("DefaultActions", actions));
        return p;
    }

    private static Params RuleParams(RuleSpec rule)
    {
        var p = new Params();
        for (var i = 0; i < rule.Conditions.Count; i++)
        {
            var c = rule.Conditions[i];
            var prefix = $"Conditions.member.{Text(i + 1)}.";
            p.Add(prefix + "Field", c.Field);
            var config = c.Field switch
            {
                "host-header" => "HostHeaderConfig",
                "path-pattern" => "PathPatternConfig",
                "http-header" => "HttpHeaderConfig",
                "source-ip" => "SourceIpConfig",
                _ => throw new ArgumentException($"unknown condition field {c.Field}", nameof(rule)),
            };
            if (c.HeaderName is not null)
            {
                p.Add($"{prefix}{config}.HttpHeaderName", c.HeaderName);
            }

            p.AddRange(AwsQueryClient.Members($"{prefix}{config}.Values", c.Values));
        }

        p.AddRange(ActionParams("Actions", rule.Actions));
        return p;
    }

    private static Params ActionParams(string name, IReadOnlyList<ActionSpec> actions)
    {
        var p = new Params();
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            var prefix = $"{name}.member.{Text(i + 1)}.";
            p.Add(prefix + "Type", a.Type);
            p.Add(prefix + "Order", Text(i + 1));
            switch (a.Type)
            {
                case "forward" when a.Forward.Count == 1:
                    p.Add(prefix + "TargetGroupArn", a.Forward[0].TargetGroup);
                    break;
                case "forward":
                    for (var t = 0; t < a.Forward.Count; t++)
                    {
                        p.Add($"{prefix}ForwardConfig.TargetGroups.member.{Text(t + 1)}.TargetGroupArn", a.Forward[t].TargetGroup);
                        p.Add($"{prefix}ForwardConfig.TargetGroups.member.{Text(t + 1)}.Weight", Text(a.Forward[t].Weight));
                    }

                    break;
                case "redirect":
                    p.Add(prefix + "RedirectConfig.Protocol", a.RedirectProtocol!);
                    p.Add(prefix + "RedirectConfig.Port", a.RedirectPort!);
                    p.Add(prefix + "RedirectConfig.StatusCode", a.RedirectStatus!);
                    break;
                default:
                    p.Add(prefix + "FixedResponseConfig.StatusCode", a.FixedStatus!);
                    p.Add(prefix + "FixedResponseConfig.ContentType", a.ContentType ?? "text/plain");
                    if (!string.IsNullOrEmpty(a.MessageBody))
                    {
                        p.Add(prefix + "FixedResponseConfig.MessageBody", a.MessageBody);
                    }

                    break;
            }
        }

        return p;
    }

    private static Params HealthParams(HealthCheckSpec h)
    {
        var p = new Params
        {
            { "HealthCheckProtocol", h.Protocol },
            { "HealthCheckPort", h.Port },
            { "HealthCheckIntervalSeconds", Text(h.IntervalSeconds) },
            { "HealthCheckTimeoutSeconds", Text(h.TimeoutSeconds) },
            { "HealthyThresholdCount", Text(h.HealthyThreshold) },
            { "UnhealthyThresholdCount", Text(h.UnhealthyThreshold) },
        };
        if (h.Path is not null)
        {
            p.Add("HealthCheckPath", h.Path);
        }

        if (h.HttpCode is not null)
        {
            p.Add("Matcher.HttpCode", h.HttpCode);
        }

        if (h.GrpcCode is not null)
        {
            p.Add("Matcher.GrpcCode", h.GrpcCode);
        }

        return p;
    }

    private static IEnumerable<KeyValuePair<string, string>> CertificateParams(IReadOnlyList<string> arns) =>
        arns.Select((arn, i) => new KeyValuePair<string, string>($"Certificates.member.{Text(i + 1)}.CertificateArn", arn));

    private static IEnumerable<KeyValuePair<string, string>> TargetParams(IReadOnlyList<TargetSpec> targets) =>
        targets.SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"Targets.member.{Text(i + 1)}.Id", t.Id),
            new($"Targets.member.{Text(i + 1)}.Port", Text(t.Port)),
        });

    private static IEnumerable<KeyValuePair<string, string>> Attributes(IReadOnlyDictionary<string, string> attributes) =>
        attributes.OrderBy(a => a.Key, StringComparer.Ordinal).SelectMany((a, i) => new KeyValuePair<string, string>[]
        {
            new($"Attributes.member.{Text(i + 1)}.Key", a.Key),
            new($"Attributes.member.{Text(i + 1)}.Value", a.Value),
        });

    private static IEnumerable<KeyValuePair<string, string>> Tags(string name, IReadOnlyDictionary<string, string> tags) =>
        tags.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"{name}.member.{Text(i + 1)}.Key", t.Key),
            new($"{name}.member.{Text(i + 1)}.Value", t.Value),
        });

    private static int Int(XElement? e) => e is null ? 0 : int.Parse(e.Value, CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An ordered parameter list with collection-initializer syntax.</summary>
internal sealed class Params : List<KeyValuePair<string, string>>
{
    public void Add(string key, string value) => Add(new KeyValuePair<string, string>(key, value));

    public Params With(IEnumerable<KeyValuePair<string, string>> more)
    {
        AddRange(more);
        return this;
    }
}
