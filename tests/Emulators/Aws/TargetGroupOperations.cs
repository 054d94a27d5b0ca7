using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>ELBv2 target groups: create (idempotent for identical requests), health checks, attributes, targets and their health.</summary>
internal sealed class TargetGroupOperations(AwsState state)
{
    public IEnumerable<XElement?> Create(QueryParams p)
    {
        var name = p.Required("Name");
        ElbV2Names.Check(name, "Target group");
        var protocol = p.OneOf("Protocol", "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP") ?? p.Required("Protocol");
        var port = p.RequiredInt("Port", 1, 65535);
        var vpcId = p.Required("VpcId");
        if (!state.Vpcs.ContainsKey(vpcId))
        {
            throw new AwsError("ValidationError", $"The VPC ID '{vpcId}' is not found");
        }

        var targetType = p.OneOf("TargetType", "instance", "ip") ?? "instance";
        var http = protocol is "HTTP" or "HTTPS";
        var version = p.OneOf("ProtocolVersion", "HTTP1", "HTTP2", "GRPC");
        if (version is not null && !http)
        {
            throw new AwsError("ValidationError", $"A protocol version cannot be specified for {protocol} target groups");
        }

        version ??= http ? "HTTP1" : null;
        var health = Health(p, protocol, version, null);
        var tags = ElbV2Names.Tags(p);
        if (state.TargetGroups.Values.FirstOrDefault(g => g.Name == name) is { } existing)
        {
            // AWS answers an identical create with the existing group, so retries are safe.
            var same = existing.Protocol == protocol && existing.ProtocolVersion == version && existing.Port == port
                && existing.VpcId == vpcId && existing.TargetType == targetType && existing.HealthCheck == health;
            return same
                ? [Members("TargetGroups", [ElbV2Xml.TargetGroup(state, existing)])]
                : throw new AwsError("DuplicateTargetGroupName", $"A target group with the name '{name}' already exists");
        }

        var arn = state.ElbArn($"targetgroup/{name}/{AwsState.Hex(16)}");
        var group = new TargetGroup(arn, name, protocol, version, port, vpcId, targetType, health, ElbV2Attributes.ForTargetGroup(protocol, targetType), []);
        state.TargetGroups[arn] = group;
        state.AddTags(arn, tags);
        return [Members("TargetGroups", [ElbV2Xml.TargetGroup(state, group)])];
    }

    public IEnumerable<XElement?> Describe(QueryParams p)
    {
        var lbArn = p.Get("LoadBalancerArn");
        var arns = p.List("TargetGroupArns");
        var names = p.List("Names");
        if ((lbArn is null ? 0 : 1) + (arns.Count > 0 ? 1 : 0) + (names.Count > 0 ? 1 : 0) > 1)
        {
            throw new AwsError("ValidationError", "Specify at most one of load balancer ARN, target group ARNs or names");
        }

        var found = lbArn is not null ? state.TargetGroups.Values.Where(g => state.LoadBalancersForwardingTo(g.Arn).Contains(state.LoadBalancer(lbArn).Arn)).ToList()
            : arns.Count > 0 ? arns.Select(state.TargetGroup).ToList()
            : names.Count > 0 ? names.Select(n => state.TargetGroups.Values.FirstOrDefault(g => g.Name == n) ?? throw new AwsError("TargetGroupNotFound", $"Target groups '[{n}]' not found")).ToList()
            : [.. state.TargetGroups.Values];
        var (page, next) = Paging.Take(found, p.Get("Marker"), p.Int("PageSize", 1, 400), state.Options.PageSize, "ValidationError");
        return [Members("TargetGroups", page.Select(g => ElbV2Xml.TargetGroup(state, g))), Opt("NextMarker", next)];
    }

    public IEnumerable<XElement?> Modify(QueryParams p)
    {
        var group = state.TargetGroup(p.Required("TargetGroupArn"));
        var next = group with { HealthCheck = Health(p, group.Protocol, group.ProtocolVersion, group.HealthCheck) };
        state.TargetGroups[group.Arn] = next;
        return [Members("TargetGroups", [ElbV2Xml.TargetGroup(state, next)])];
    }

    /// <summary>Deleting an absent group succeeds; one that an action forwards to is refused.</summary>
    public IEnumerable<XElement?> Delete(QueryParams p)
    {
        var arn = p.Required("TargetGroupArn");
        if (!state.TargetGroups.ContainsKey(arn))
        {
            return [];
        }

        if (state.LoadBalancersForwardingTo(arn).Count > 0)
        {
            throw new AwsError("ResourceInUse", $"Target group '{arn}' is currently in use by a listener or a rule");
        }

        state.TargetGroups.Remove(arn);
        state.Tags.Remove(arn);
        return [];
    }

    public IEnumerable<XElement?> DescribeAttributes(QueryParams p) => [ElbV2Xml.Attributes(state.TargetGroup(p.Required("TargetGroupArn")).Attributes)];

    public IEnumerable<XElement?> ModifyAttributes(QueryParams p)
    {
        var group = state.TargetGroup(p.Required("TargetGroupArn"));
        var attributes = ElbV2Attributes.Modify(group.Attributes, p);
        state.TargetGroups[group.Arn] = group with { Attributes = attributes };
        return [ElbV2Xml.Attributes(attributes)];
    }

    public IEnumerable<XElement?> Register(QueryParams p)
    {
        var group = state.TargetGroup(p.Required("TargetGroupArn"));
        var targets = Targets(p, group);
        foreach (var target in targets)
        {
            CheckTarget(group, target);
        }

        var next = group.Targets.ToList();
        next.AddRange(targets.Where(t => !next.Any(n => n.Id == t.Id && n.Port == t.Port)));
        state.TargetGroups[group.Arn] = group with { Targets = next };
        return [];
    }

    public IEnumerable<XElement?> Deregister(QueryParams p)
    {
        var group = state.TargetGroup(p.Required("TargetGroupArn"));
        var targets = Targets(p, group);
        var missing = targets.Where(t => !group.Targets.Any(n => n.Id == t.Id && n.Port == t.Port)).ToList();
        if (missing.Count > 0)
        {
            throw new AwsError("InvalidTarget", $"The following targets are not registered in target group '{group.Arn}': {string.Join(", ", missing.Select(m => $"{m.Id}:{m.Port}"))}");
        }

        state.TargetGroups[group.Arn] = group with { Targets = group.Targets.Where(n => !targets.Any(t => n.Id == t.Id && n.Port == t.Port)).ToList() };
        return [];
    }

    public IEnumerable<XElement?> DescribeHealth(QueryParams p)
    {
        var group = state.TargetGroup(p.Required("TargetGroupArn"));
        var asked = p.Has("Targets") ? Targets(p, group) : null;
        var shown = asked?.Select(t => group.Targets.FirstOrDefault(n => n.Id == t.Id && n.Port == t.Port) ?? t with { State = "unused", Reason = "Target.NotRegistered" }) ?? group.Targets;
        var healthPort = group.HealthCheck.Port;
        return [Members("TargetHealthDescriptions", shown.Select(t => new object?[]
        {
            E("Target", E("Id", t.Id), E("Port", t.Port), Opt("AvailabilityZone", t.AvailabilityZone)),
            E("HealthCheckPort", healthPort == "traffic-port" ? t.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : healthPort),
            E("TargetHealth", E("State", t.State), Opt("Reason", t.Reason)),
        }))];
    }

    private static List<RegisteredTarget> Targets(QueryParams p, TargetGroup group)
    {
        var targets = p.Structs("Targets").Select(t => new RegisteredTarget(t.Required("Id"), t.Int("Port", 1, 65535) ?? group.Port, t.Get("AvailabilityZone"), "healthy")).ToList();
        return targets.Count > 0 ? targets : throw p.Missing("Targets");
    }

    private void CheckTarget(TargetGroup group, RegisteredTarget target)
    {
        if (group.TargetType == "instance")
        {
            if (!state.Instances.ContainsKey(target.Id))
            {
                throw new AwsError("InvalidTarget", $"The following targets are not valid instances: '{target.Id}'");
            }

            return;
        }

        if (!IPAddress.TryParse(target.Id, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || ip.ToString() != target.Id)
        {
            throw new AwsError("ValidationError", $"The IP address '{target.Id}' is not a valid IPv4 address");
        }

        var inVpc = IPNetwork.Parse(state.Vpcs[group.VpcId].CidrBlock).Contains(ip);
        if (!inVpc && target.AvailabilityZone != "all" && state.Options.TargetIpsMustBeInVpc)
        {
            throw new AwsError("InvalidTarget", $"The IP address '{target.Id}' is not within the CIDR of VPC '{group.VpcId}'; use AvailabilityZone 'all' for addresses outside it");
        }
    }

    private static HealthCheck Health(QueryParams p, string protocol, string? version, HealthCheck? current)
    {
        var http = protocol is "HTTP" or "HTTPS";
        var grpc = version == "GRPC";
        var defaults = current ?? new HealthCheck(
            true, http ? protocol : "TCP", "traffic-port", http ? (grpc ? "/AWS.ALB/healthcheck" : "/") : null, 30, http ? 5 : 10, 5, 2,
            http && !grpc ? "200" : null, grpc ? "12" : null);
        var healthProtocol = p.OneOf("HealthCheckProtocol", "HTTP", "HTTPS", "TCP") ?? defaults.Protocol;
        if (http && healthProtocol == "TCP")
        {
            throw new AwsError("ValidationError", "Health check protocol 'TCP' is not supported for HTTP and HTTPS target groups");
        }

        var healthHttp = healthProtocol != "TCP";
        var port = p.Get("HealthCheckPort") ?? defaults.Port;
        if (port != "traffic-port" && (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535))
        {
            throw new AwsError("ValidationError", $"Health check port '{port}' must be 'traffic-port' or 1-65535");
        }

        var path = p.Get("HealthCheckPath");
        if (path is not null && (!healthHttp || !path.StartsWith('/') || path.Length > 1024))
        {
            throw new AwsError("ValidationError", $"Health check path '{path}' is not valid for a {healthProtocol} health check");
        }

        var check = new HealthCheck(
            p.Bool("HealthCheckEnabled") ?? defaults.Enabled,
            healthProtocol,
            port,
            healthHttp ? path ?? defaults.Path ?? "/" : null,
            p.Int("HealthCheckIntervalSeconds", 5, 300) ?? defaults.IntervalSeconds,
            p.Int("HealthCheckTimeoutSeconds", 2, 120) ?? defaults.TimeoutSeconds,
            p.Int("HealthyThresholdCount", 2, 10) ?? defaults.HealthyThresholdCount,
            p.Int("UnhealthyThresholdCount", 2, 10) ?? defaults.UnhealthyThresholdCount,
            healthHttp ? p.Get("Matcher.HttpCode") ?? defaults.HttpCode ?? (grpc ? null : "200-399") : null,
            grpc ? p.Get("Matcher.GrpcCode") ?? defaults.GrpcCode : null);
        return check.TimeoutSeconds < check.IntervalSeconds
            ? check
            : throw new AwsError("ValidationError", "Health check timeout must be smaller than the interval");
    }
}
