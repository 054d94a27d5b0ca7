using CloudIngress.Providers.Aws.Plan;
using System.Xml.Linq;
using static CloudIngress.Providers.Aws.Clients.ElbV2Form;
using static CloudIngress.Providers.Aws.Clients.ElbV2Xml;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// The Elastic Load Balancing v2 operations CloudIngress uses (API version 2015-12-01), typed, on
/// the Query protocol. Describe calls ask for AWS's largest page (<see cref="PageSize"/>) and follow
/// <c>NextMarker</c> to the end.
/// </summary>
public sealed class ElbV2Client(AwsQueryClient query)
{
    public const string ApiVersion = "2015-12-01";

    /// <summary>DescribeTags takes at most this many ARNs per call.</summary>
    public const int TagBatch = 20;

    /// <summary>The largest page the paged Describe calls return: fewer calls for a full read.</summary>
    public const int PageSize = 400;

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
        var fixedParams = parameters.Append(new("PageSize", Text(PageSize))).ToList();
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
