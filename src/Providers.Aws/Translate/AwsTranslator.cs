using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Translate;

/// <summary>
/// Translate for AWS (pure): a <see cref="GatewayModel"/> becomes load balancers, listeners, rules,
/// target groups, certificate imports and security groups. HTTP frontends become ALBs (split over
/// several when their rules exceed the quota); their passthrough hosts and every LoadBalancer
/// Service become NLBs.
/// </summary>
public static class AwsTranslator
{
    /// <summary>
    /// Requests with header names HTTP does not allow are refused at the ALB rather than passed to
    /// the pods (request smuggling hardening, as the Kestrel proxy does).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> AlbAttributes = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["routing.http.drop_invalid_header_fields.enabled"] = "true",
    };

    public static AwsPlan Translate(GatewayModel model, AwsTranslateOptions options)
    {
        var context = new TranslateContext(model, options);
        var loadBalancers = new List<LoadBalancerPlan>();
        foreach (var frontend in model.Frontends)
        {
            if (frontend.Kind == FrontendKind.Http)
            {
                // A passthrough Ingress lives on the NLB (or nowhere, when its port was taken): never on the ALB.
                var skip = frontend.Listeners.SelectMany(l => l.Passthrough).Select(p => p.Source).ToHashSet();
                loadBalancers.AddRange(ApplicationLoadBalancers(frontend, skip, context));
                if (PassthroughLoadBalancer(frontend, context) is { } passthrough)
                {
                    loadBalancers.Add(passthrough);
                }
            }
            else if (ServiceLoadBalancer(frontend, context) is { } service)
            {
                loadBalancers.Add(service);
            }
        }

        // A target group belongs to the load balancer it was made for; drop those whose load balancer lost every listener.
        var used = loadBalancers.SelectMany(lb => lb.Listeners.SelectMany(l => l.Rules.SelectMany(r => r.Actions).Append(l.DefaultAction)))
            .SelectMany(a => a.Forward.Select(f => f.TargetGroup)).ToHashSet(StringComparer.Ordinal);
        // Likewise a Secret is imported only while a planned listener presents it.
        var imported = loadBalancers.SelectMany(lb => lb.Listeners.SelectMany(l => l.Certificates)).Select(c => c.ImportKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new AwsPlan
        {
            LoadBalancers = loadBalancers.OrderBy(lb => lb.Key, StringComparer.Ordinal).ToList(),
            TargetGroups = context.TargetGroups.Values.Where(t => used.Contains(t.Key)).ToList(),
            Certificates = context.Imports.Values.Where(c => imported.Contains(c.Key)).ToList(),
            SecurityGroups = SecurityGroups(loadBalancers, model, context),
            Diagnostics = context.Diagnostics.Order().ToList(),
            DiscoveredHosts = [.. context.Discovered],
        };
    }

    private static IEnumerable<LoadBalancerPlan> ApplicationLoadBalancers(Frontend frontend, HashSet<ObjectRef> skip, TranslateContext context)
    {
        var listeners = frontend.Listeners
            .Where(l => l.Protocol == ListenerProtocol.Http || (l.Protocol == ListenerProtocol.Https && (l.VirtualHosts.Count > 0 || l.Certificates.Count > 0 || l.DefaultCertificate is not null || l.ExternalCertificates.Count > 0)))
            .ToList();
        if (listeners.Count == 0)
        {
            yield break;
        }

        var members = frontend.Members.Where(m => !skip.Contains(m)).ToList();
        var subject = members.FirstOrDefault() ?? frontend.Members.FirstOrDefault() ?? new ObjectRef("Ingress", null, frontend.Name);
        var ranges = AllowedRanges(listeners.SelectMany(l => l.VirtualHosts).SelectMany(v => v.Routes).Where(r => !skip.Contains(r.Source)).Select(r => r.Policy?.SourceRanges));
        var drafts = new List<(Listener Listener, ActionSpec Default, List<DraftRule> Rules)>();
        foreach (var listener in listeners)
        {
            var defaultAction = DefaultAction(listener.DefaultAction, subject, context);
            var rules = AlbRuleBuilder.Build(listener, defaultAction, ranges ?? [], ranges is null, skip, context);
            rules = SimplifyRedirects(listener, rules, ref defaultAction);
            drafts.Add((listener, defaultAction, rules));
        }

        var quota = context.Options.MaxRulesPerLoadBalancer;
        var sharding = RuleSharding.Split([.. drafts.Select(d => (IReadOnlyList<DraftRule>)d.Rules)], members, quota, context);
        if (sharding.ShardHosts.Count > 1)
        {
            context.Report(DiagnosticSeverity.Info, DiagnosticCodes.LoadBalancerSharded, subject,
                $"group {frontend.Name} needs more than {quota.ToString(CultureInfo.InvariantCulture)} listener rules and is split over {sharding.ShardHosts.Count.ToString(CultureInfo.InvariantCulture)} load balancers");
        }

        // Each rule and member goes to its shard in one pass (not one scan per shard: groups can be split many ways).
        var shardOfHost = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var shard = 0; shard < sharding.ShardHosts.Count; shard++)
        {
            foreach (var host in sharding.ShardHosts[shard])
            {
                shardOfHost[host] = shard;
            }
        }

        var rulesByShard = drafts.Select(d => d.Rules.ToLookup(r => shardOfHost[r.Host])).ToList();
        var membersByShard = members.ToLookup(m => sharding.ShardOf.GetValueOrDefault(m, 0));
        for (var shard = 0; shard < sharding.ShardHosts.Count; shard++)
        {
            var key = AwsTags.Value("alb/" + frontend.Id + (shard == 0 ? string.Empty : "/" + (shard + 1).ToString(CultureInfo.InvariantCulture)));
            var hosts = sharding.ShardHosts[shard];
            var planned = new List<ListenerPlan>();
            var carriesRoute = false;
            var budget = quota;
            for (var d = 0; d < drafts.Count; d++)
            {
                var (listener, defaultAction, _) = drafts[d];
                var mine = rulesByShard[d][shard].Take(Math.Max(budget, 0)).ToList();
                budget -= mine.Count;
                var https = listener.Protocol == ListenerProtocol.Https;
                var certificates = https ? CertificateSelection.Select(listener, [.. listener.VirtualHosts.Select(v => v.Host).Where(hosts.Contains)], subject, context) : [];
                if (https && certificates.Count == 0)
                {
                    if (mine.Count == 0 && listener.DefaultAction is null)
                    {
                        // Nothing of a member's is served on it (its hosts went to passthrough, say): not a missing certificate.
                        continue;
                    }

                    context.Report(DiagnosticSeverity.Error, DiagnosticCodes.CertificateNotFound, subject,
                        $"HTTPS port {listener.Port.ToString(CultureInfo.InvariantCulture)} of group {frontend.Name} has no certificate: no certificate-arn, no TLS Secret and no ISSUED ACM certificate for its hosts; the listener is not created");
                    continue;
                }

                // A member's route: a rule, the group's default backend, or its ssl-redirect folded into the default action.
                carriesRoute |= mine.Count > 0 || listener.DefaultAction is not null || defaultAction.Type == "redirect";
                string Target(string pool) => context.TargetGroup(pool, key, LoadBalancerType.Application, subject) ?? pool;
                planned.Add(new ListenerPlan
                {
                    Port = listener.Port,
                    Protocol = https ? "HTTPS" : "HTTP",
                    SslPolicy = https ? context.Options.SslPolicy : null,
                    Certificates = certificates,
                    DefaultAction = defaultAction.MapTargets(Target),
                    Rules = mine.Select(r => r.Rule.MapTargets(Target)).ToValueList(),
                });
            }

            // An ALB carrying no member's route answers 404 to everyone and is billed for it: none is planned.
            if (!carriesRoute)
            {
                continue;
            }

            yield return LoadBalancer(frontend, key, LoadBalancerType.Application, planned, membersByShard[shard], context)
                with { Attributes = AlbAttributes };
        }
    }

    /// <summary>
    /// An HTTP listener whose every rule redirects to the same HTTPS port (ssl-redirect on the whole
    /// group) needs no rules: the listener's default action redirects. Saves half the rule quota.
    /// </summary>
    private static List<DraftRule> SimplifyRedirects(Listener listener, List<DraftRule> rules, ref ActionSpec defaultAction)
    {
        if (listener.Protocol != ListenerProtocol.Http || rules.Count == 0)
        {
            return rules;
        }

        var first = rules[0].Rule.Actions[0];
        if (first.Type != "redirect" || !rules.All(r => r.Rule.Actions.Count == 1 && r.Rule.Actions[0] == first))
        {
            return rules;
        }

        defaultAction = first;
        return [];
    }

    private static ActionSpec DefaultAction(RouteAction? action, ObjectRef subject, TranslateContext context) => action switch
    {
        null => ActionSpec.Fixed(404),
        { Kind: RouteActionKind.Redirect } => ActionSpec.Redirect("HTTPS", action.RedirectPort ?? 443),
        { Kind: RouteActionKind.FixedResponse } => ActionSpec.Fixed(action.StatusCode ?? 404),
        _ when (action.Backends ?? []).Where(b => context.Usable(b.Backend, subject)).ToList() is { Count: > 0 } usable =>
            ActionSpec.ForwardTo(usable.Select(b => new ForwardTarget(b.Backend, b.Weight))),
        _ => ActionSpec.Fixed(503),
    };

    /// <summary>
    /// One NLB listener per passthrough port: encrypted bytes cannot be routed by host, so the first
    /// host in precedence order takes the port and the others are refused.
    /// </summary>
    private static LoadBalancerPlan? PassthroughLoadBalancer(Frontend frontend, TranslateContext context)
    {
        var key = AwsTags.Value("nlb/" + frontend.Id);
        var listeners = new List<ListenerPlan>();
        var members = new List<ObjectRef>();
        foreach (var listener in frontend.Listeners.Where(l => l.Passthrough.Count > 0))
        {
            var winner = listener.Passthrough[0];
            foreach (var loser in listener.Passthrough.Skip(1))
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.PassthroughListenerConflict, loser.Source,
                    $"passthrough host {loser.Host}: port {listener.Port.ToString(CultureInfo.InvariantCulture)} of the network load balancer already carries {winner.Host} ({winner.Source}); a load balancer cannot route encrypted bytes by host");
            }

            if (context.TargetGroup(winner.Backend, key, LoadBalancerType.Network, winner.Source) is not { } tg)
            {
                continue;
            }

            listeners.Add(new ListenerPlan { Port = listener.Port, Protocol = "TCP", DefaultAction = ActionSpec.ForwardTo([new ForwardTarget(tg, 1)]) });
            members.Add(winner.Source);
        }

        return listeners.Count == 0 ? null : LoadBalancer(frontend, key, LoadBalancerType.Network, listeners, members.Distinct(), context);
    }

    /// <summary>Null when no port has a usable backend: an NLB without listeners carries nothing.</summary>
    private static LoadBalancerPlan? ServiceLoadBalancer(Frontend frontend, TranslateContext context)
    {
        var key = AwsTags.Value("nlb/" + frontend.Id);
        var subject = frontend.Members.FirstOrDefault() ?? new ObjectRef("Service", null, frontend.Name);
        var listeners = new List<ListenerPlan>();
        foreach (var listener in frontend.Listeners)
        {
            if (listener.Backend is null || context.TargetGroup(listener.Backend, key, LoadBalancerType.Network, subject) is not { } tg)
            {
                continue;
            }

            listeners.Add(new ListenerPlan
            {
                Port = listener.Port,
                Protocol = listener.Protocol == ListenerProtocol.Udp ? "UDP" : "TCP",
                DefaultAction = ActionSpec.ForwardTo([new ForwardTarget(tg, 1)]),
            });
        }

        return listeners.Count == 0 ? null : LoadBalancer(frontend, key, LoadBalancerType.Network, listeners, frontend.Members, context);
    }

    private static List<SecurityGroupPlan> SecurityGroups(List<LoadBalancerPlan> loadBalancers, GatewayModel model, TranslateContext context)
    {
        var frontends = model.Frontends.ToDictionary(f => f.Id, StringComparer.Ordinal);
        return loadBalancers.Select(lb =>
        {
            var frontend = frontends[lb.FrontendId];
            var members = lb.Members.ToHashSet();
            IReadOnlySet<string>? ranges = frontend.Kind == FrontendKind.L4
                ? frontend.SourceRanges?.ToHashSet(StringComparer.Ordinal)
                : lb.Type == LoadBalancerType.Network
                    ? AllowedRanges(frontend.Listeners.SelectMany(l => l.Passthrough).Where(p => members.Contains(p.Source)).Select(p => p.SourceRanges))
                    : AllowedRanges(frontend.Listeners.SelectMany(l => l.VirtualHosts).SelectMany(v => v.Routes).Where(r => members.Contains(r.Source)).Select(r => r.Policy?.SourceRanges));
            return SecurityGroup(lb, ranges, context);
        }).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    private static SecurityGroupPlan SecurityGroup(LoadBalancerPlan lb, IReadOnlySet<string>? frontendRanges, TranslateContext context)
    {
        var cidrs = frontendRanges ?? new HashSet<string>(["0.0.0.0/0"], StringComparer.Ordinal);
        var permissions = lb.Listeners
            .SelectMany(l => cidrs.Select(c => new Ec2Permission(l.Protocol == "UDP" ? "udp" : "tcp", l.Port, l.Port, c)))
            .Distinct()
            .OrderBy(p => p.Protocol, StringComparer.Ordinal).ThenBy(p => p.FromPort).ThenBy(p => p.Cidr, StringComparer.Ordinal)
            .ToValueList();
        return new SecurityGroupPlan
        {
            Key = lb.SecurityGroupKey,
            Name = AwsNames.SecurityGroup(context.Options.ClusterName, lb.SecurityGroupKey),
            Description = $"CloudIngress {lb.FrontendId}: who may reach the load balancer",
            Ingress = permissions,
        };
    }

    /// <summary>The union of the routes' allow lists; null (everyone) when any route admits everyone.</summary>
    private static HashSet<string>? AllowedRanges(IEnumerable<IReadOnlyList<string>?> lists)
    {
        var union = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            if (list is null)
            {
                return null;
            }

            union.UnionWith(list);
        }

        return union.Count == 0 ? null : union;
    }

    private static LoadBalancerPlan LoadBalancer(Frontend frontend, string key, LoadBalancerType type, IEnumerable<ListenerPlan> listeners, IEnumerable<ObjectRef> members,
        TranslateContext context) => new()
    {
        Key = key,
        Name = AwsNames.LoadBalancer(context.Options.ClusterName, key),
        FrontendId = frontend.Id,
        Type = type,
        Scheme = Scheme(frontend),
        SecurityGroupKey = AwsTags.Value("sg/" + key),
        Listeners = listeners.ToValueList(),
        Members = members.ToValueList(),
    };

    private static string Scheme(Frontend frontend) => frontend.Scheme == LoadBalancerScheme.Internal ? "internal" : "internet-facing";
}
