using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>ELBv2 listener rules; each listener's default rule is shown by DescribeRules but cannot be changed through rule calls.</summary>
internal sealed class RuleOperations(AwsState state, RuleParts parts)
{
    private const int MaxRulesPerListener = 100;

    public static string NewArn(string listenerArn) => listenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/" + AwsState.Hex(16);

    public IEnumerable<XElement?> Create(QueryParams p)
    {
        var listener = state.Listener(p.Required("ListenerArn"));
        var lb = state.LoadBalancers[listener.LoadBalancerArn];
        if (lb.Type != "application")
        {
            throw new AwsError("InvalidConfigurationRequest", "Rules can only be created on listeners of application load balancers");
        }

        var priority = p.RequiredInt("Priority", 1, 50000);
        var conditions = p.Has("Conditions") ? RuleParts.Conditions(p.Structs("Conditions")) : throw p.Missing("Conditions");
        var actions = parts.Actions(p.Structs("Actions"), lb, listener.Protocol);
        var tags = ElbV2Names.Tags(p);
        var siblings = state.Rules.Values.Where(r => r.ListenerArn == listener.Arn).ToList();
        if (siblings.Any(r => r.Priority == priority))
        {
            throw new AwsError("PriorityInUse", $"Priority '{priority}' is currently in use");
        }

        var onLoadBalancer = state.Rules.Values.Count(r => state.Listeners[r.ListenerArn].LoadBalancerArn == lb.Arn);
        if (siblings.Count >= MaxRulesPerListener || onLoadBalancer >= state.Options.MaxRulesPerLoadBalancer)
        {
            throw new AwsError("TooManyRules", $"You've reached the limit on the number of rules per load balancer ({state.Options.MaxRulesPerLoadBalancer}) or listener ({MaxRulesPerListener})");
        }

        var rule = new Rule(NewArn(listener.Arn), listener.Arn, priority, conditions, actions);
        state.Rules[rule.Arn] = rule;
        state.AddTags(rule.Arn, tags);
        return [Members("Rules", [ElbV2Xml.Rule(rule)])];
    }

    public IEnumerable<XElement?> Describe(QueryParams p)
    {
        var listenerArn = p.Get("ListenerArn");
        var arns = p.List("RuleArns");
        if ((listenerArn is null) == (arns.Count == 0))
        {
            throw new AwsError("ValidationError", "You must specify either listener ARN or rule ARNs");
        }

        List<Rule> found;
        if (listenerArn is not null)
        {
            var listener = state.Listener(listenerArn);
            found = [.. state.Rules.Values.Where(r => r.ListenerArn == listener.Arn).OrderBy(r => r.Priority), Default(listener)];
        }
        else
        {
            found = arns.Select(Find).ToList();
        }

        var (page, next) = Paging.Take(found, p.Get("Marker"), p.Int("PageSize", 1, 400), state.Options.PageSize, "ValidationError");
        return [Members("Rules", page.Select(ElbV2Xml.Rule)), Opt("NextMarker", next)];
    }

    public IEnumerable<XElement?> Modify(QueryParams p)
    {
        var rule = Changeable(p.Required("RuleArn"));
        var listener = state.Listeners[rule.ListenerArn];
        var conditions = p.Has("Conditions") ? RuleParts.Conditions(p.Structs("Conditions")) : rule.Conditions;
        var actions = p.Has("Actions") ? parts.Actions(p.Structs("Actions"), state.LoadBalancers[listener.LoadBalancerArn], listener.Protocol) : rule.Actions;
        var next = rule with { Conditions = conditions, Actions = actions };
        state.Rules[rule.Arn] = next;
        return [Members("Rules", [ElbV2Xml.Rule(next)])];
    }

    /// <summary>All or nothing: every rule and priority is checked before any changes.</summary>
    public IEnumerable<XElement?> SetPriorities(QueryParams p)
    {
        var items = p.Structs("RulePriorities");
        if (items.Count == 0)
        {
            throw p.Missing("RulePriorities");
        }

        var moves = items.Select(i => (Rule: Changeable(i.Required("RuleArn")), Priority: i.RequiredInt("Priority", 1, 50000))).ToList();
        foreach (var group in moves.GroupBy(m => m.Rule.ListenerArn))
        {
            var moved = group.Select(m => m.Rule.Arn).ToHashSet(StringComparer.Ordinal);
            var staying = state.Rules.Values.Where(r => r.ListenerArn == group.Key && !moved.Contains(r.Arn)).Select(r => r.Priority);
            var all = staying.Concat(group.Select(m => (int?)m.Priority)).ToList();
            if (all.Distinct().Count() != all.Count)
            {
                throw new AwsError("PriorityInUse", "A priority in the request is in use by another rule of the listener");
            }
        }

        var changed = moves.Select(m => state.Rules[m.Rule.Arn] = m.Rule with { Priority = m.Priority }).ToList();
        return [Members("Rules", changed.Select(ElbV2Xml.Rule))];
    }

    public IEnumerable<XElement?> Delete(QueryParams p)
    {
        var rule = Changeable(p.Required("RuleArn"));
        state.Rules.Remove(rule.Arn);
        state.Tags.Remove(rule.Arn);
        return [];
    }

    public static Rule Default(Listener listener) => new(listener.DefaultRuleArn, listener.Arn, null, [], listener.DefaultActions);

    public Rule Find(string arn) =>
        state.Rules.GetValueOrDefault(arn)
        ?? state.Listeners.Values.Where(l => l.DefaultRuleArn == arn).Select(Default).FirstOrDefault()
        ?? throw new AwsError("RuleNotFound", $"Rule '{arn}' not found");

    private Rule Changeable(string arn)
    {
        var rule = Find(arn);
        return rule.IsDefault ? throw new AwsError("OperationNotPermitted", $"Default rule '{arn}' cannot be modified or deleted") : rule;
    }
}
