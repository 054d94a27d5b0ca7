using System.Net;
using System.Text.RegularExpressions;

namespace CloudIngress.Emulators.Aws;

/// <summary>Reads and checks listener and rule actions and rule conditions the way ELBv2 does.</summary>
internal sealed partial class RuleParts(AwsState state)
{
    private static readonly Dictionary<string, string[]> NetworkGroupProtocols = new(StringComparer.Ordinal)
    {
        ["TCP"] = ["TCP", "TCP_UDP"],
        ["TLS"] = ["TCP", "TLS"],
        ["UDP"] = ["UDP", "TCP_UDP"],
        ["TCP_UDP"] = ["TCP_UDP"],
    };

    public IReadOnlyList<RuleAction> Actions(IReadOnlyList<QueryParams> items, LoadBalancer lb, string listenerProtocol)
    {
        if (items.Count == 0)
        {
            throw new AwsError("ValidationError", "At least one action must be specified");
        }

        var actions = items.Select((item, index) => Action(item, index, lb, listenerProtocol)).OrderBy(a => a.Order).ToList();
        if (actions.Select(a => a.Order).Distinct().Count() != actions.Count)
        {
            throw new AwsError("ValidationError", "Action orders must be unique");
        }

        return actions;
    }

    public static IReadOnlyList<RuleCondition> Conditions(IReadOnlyList<QueryParams> items)
    {
        var conditions = items.Select(Condition).ToList();
        foreach (var field in new[] { "host-header", "path-pattern" })
        {
            if (conditions.Count(c => c.Field == field) > 1)
            {
                throw new AwsError("ValidationError", $"A rule can only have one '{field}' condition");
            }
        }

        if (conditions.Sum(c => c.Values.Count) > 5)
        {
            throw new AwsError("ValidationError", "A rule can only have '5' condition values");
        }

        return conditions;
    }

    private RuleAction Action(QueryParams item, int index, LoadBalancer lb, string listenerProtocol)
    {
        var type = item.OneOf("Type", "forward", "redirect", "fixed-response") ?? item.Required("Type");
        var order = item.Int("Order", 1, 50000) ?? index + 1;
        if (type != "forward" && lb.Type != "application")
        {
            throw new AwsError("InvalidLoadBalancerAction", $"Action type '{type}' is only supported by application load balancers");
        }

        return type switch
        {
            "forward" => new RuleAction(type, order, Forward(item, lb, listenerProtocol)),
            "redirect" => new RuleAction(type, order, [], Redirect: Redirect(item.Scope("RedirectConfig"))),
            _ => new RuleAction(type, order, [], FixedResponse: FixedResponse(item.Scope("FixedResponseConfig"))),
        };
    }

    private List<WeightedTargetGroup> Forward(QueryParams item, LoadBalancer lb, string listenerProtocol)
    {
        var single = item.Get("TargetGroupArn");
        var groups = item.Structs("ForwardConfig.TargetGroups")
            .Select(g => new WeightedTargetGroup(g.Required("TargetGroupArn"), g.Int("Weight", 0, 999) ?? 1))
            .ToList();
        if (groups.Count == 0)
        {
            groups.Add(new WeightedTargetGroup(single ?? item.Required("TargetGroupArn"), 1));
        }
        else if (single is not null && (groups.Count != 1 || groups[0].TargetGroupArn != single))
        {
            throw new AwsError("ValidationError", "You cannot specify both a target group ARN and a forward config with different target groups");
        }

        if (groups.Count > 5)
        {
            throw new AwsError("ValidationError", "A forward action can have at most 5 target groups");
        }

        if (groups.Select(g => g.TargetGroupArn).Distinct().Count() != groups.Count)
        {
            throw new AwsError("ValidationError", "A target group can appear only once in a forward action");
        }

        foreach (var arn in groups.Select(g => g.TargetGroupArn))
        {
            CheckTarget(state.TargetGroup(arn), lb, listenerProtocol);
        }

        return groups;
    }

    private void CheckTarget(TargetGroup group, LoadBalancer lb, string listenerProtocol)
    {
        var suits = lb.Type == "application"
            ? group.Protocol is "HTTP" or "HTTPS"
            : NetworkGroupProtocols.TryGetValue(listenerProtocol, out var allowed) && allowed.Contains(group.Protocol);
        if (!suits)
        {
            throw new AwsError("IncompatibleProtocols", $"Target group '{group.Arn}' with protocol {group.Protocol} cannot be used by a {listenerProtocol} listener of a {lb.Type} load balancer");
        }

        if (group.VpcId != lb.VpcId)
        {
            throw new AwsError("InvalidConfigurationRequest", $"Target group '{group.Arn}' is in VPC {group.VpcId}, the load balancer in {lb.VpcId}");
        }

        if (state.LoadBalancersForwardingTo(group.Arn).Any(other => other != lb.Arn))
        {
            throw new AwsError("TargetGroupAssociationLimit", $"The following target groups cannot be associated with more than one load balancer: {group.Arn}");
        }
    }

    private static RedirectAction Redirect(QueryParams config)
    {
        var status = config.OneOf("StatusCode", "HTTP_301", "HTTP_302") ?? config.Required("StatusCode");
        var protocol = config.OneOf("Protocol", "HTTP", "HTTPS", "#{protocol}") ?? "#{protocol}";
        return new RedirectAction(protocol, config.Get("Port") ?? "#{port}", config.Get("Host") ?? "#{host}", config.Get("Path") ?? "/#{path}", config.Get("Query") ?? "#{query}", status);
    }

    private static FixedResponseAction FixedResponse(QueryParams config)
    {
        var status = config.Required("StatusCode");
        if (!StatusCodePattern().IsMatch(status))
        {
            throw new AwsError("ValidationError", $"Fixed response status code '{status}' must match ^(2|4|5)\\d\\d$");
        }

        var contentType = config.OneOf("ContentType", "text/plain", "text/css", "text/html", "application/javascript", "application/json");
        var body = config.Get("MessageBody");
        if (body?.Length > 1024)
        {
            throw new AwsError("ValidationError", "A fixed response message body can be at most 1024 characters");
        }

        return new FixedResponseAction(status, contentType, body);
    }

    private static RuleCondition Condition(QueryParams item)
    {
        var field = item.OneOf("Field", "host-header", "path-pattern", "http-header", "source-ip") ?? item.Required("Field");
        var config = item.Scope(field switch
        {
            "host-header" => "HostHeaderConfig",
            "path-pattern" => "PathPatternConfig",
            "http-header" => "HttpHeaderConfig",
            _ => "SourceIpConfig",
        });
        var legacy = item.List("Values");
        var values = config.List("Values");
        if (legacy.Count > 0 && (values.Count > 0 || field is "http-header" or "source-ip"))
        {
            throw new AwsError("ValidationError", $"Specify either Values or the {field} config, not both");
        }

        // Values outside the field's config hold one host or path (AWS's RuleCondition.Values); the configs hold several.
        if (legacy.Count > 1)
        {
            throw new AwsError("ValidationError", $"The '{field}' field contains too many values; the limit is '1'");
        }

        values = values.Count > 0 ? values : legacy;
        if (values.Count == 0)
        {
            throw new AwsError("ValidationError", $"A '{field}' condition must have at least one value");
        }

        if (field is "host-header" or "path-pattern" && values.Any(v => v.Length is 0 or > 128))
        {
            throw new AwsError("ValidationError", $"A '{field}' condition value must be 1-128 characters");
        }

        if (field == "source-ip" && values.Any(v => !IPNetwork.TryParse(v, out _)))
        {
            throw new AwsError("ValidationError", "Source IP condition values must be CIDR blocks");
        }

        return new RuleCondition(field, values, field == "http-header" ? config.Required("HttpHeaderName") : null);
    }

    [GeneratedRegex(@"^[245]\d\d$")]
    private static partial Regex StatusCodePattern();
}
