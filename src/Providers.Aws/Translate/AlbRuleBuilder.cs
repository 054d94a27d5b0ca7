using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Translate;

/// <summary>A rule before sharding: forward targets are still pool ids; <see cref="Host"/> ties it to its shard unit.</summary>
internal sealed record DraftRule(RuleSpec Rule, string Host, ObjectRef Source);

/// <summary>
/// Routes of one listener to ALB rules in priority order. ALB evaluates rules by priority and
/// knows no virtual hosts, so the model's semantics are spelt out: exact hosts before wildcards
/// before rules without host, a host's routes in precedence order, and a closing rule for a host
/// whose unmatched paths must get the default action rather than a broader host's route.
/// Anything ALB cannot carry out fails closed: a fixed 503 (or 403) takes the route's place, so
/// the request never falls through to a broader rule.
/// </summary>
internal static class AlbRuleBuilder
{
    private const int MaxConditionValues = 5;
    private const int MaxPatternLength = 128;

    public static List<DraftRule> Build(Listener listener, ActionSpec defaultAction, IReadOnlySet<string> sourceRangesOfLoadBalancer, bool openToAll,
        ISet<ObjectRef> skipSources, TranslateContext context)
    {
        var rules = new List<DraftRule>();
        var hosts = listener.VirtualHosts
            .OrderBy(v => v.Match)
            .ThenByDescending(v => v.Match == HostMatchKind.Wildcard ? v.Host.Length : 0)
            .ThenBy(v => v.Host, StringComparer.Ordinal)
            .ToList();
        for (var i = 0; i < hosts.Count; i++)
        {
            var vhost = hosts[i];
            var routes = vhost.Routes.Where(r => !skipSources.Contains(r.Source)).ToList();
            foreach (var route in routes)
            {
                rules.AddRange(RouteRules(vhost, route, sourceRangesOfLoadBalancer, openToAll, context).Select(r => new DraftRule(r, vhost.Host, route.Source)));
            }

            var coveredLater = hosts.Skip(i + 1).Any(later => Covers(later, vhost.Host));
            var endsWithCatchAll = routes.Count > 0 && routes[^1] is { PathType: PathMatchKind.Prefix, Path: "/", Policy: null };
            if (routes.Count > 0 && vhost.Match != HostMatchKind.Any && coveredLater && !endsWithCatchAll)
            {
                rules.Add(new DraftRule(new RuleSpec(Conditions(vhost, null), [defaultAction]), vhost.Host, routes[0].Source));
            }
        }

        return rules;
    }

    private static IEnumerable<RuleSpec> RouteRules(VirtualHost vhost, Route route, IReadOnlySet<string> lbRanges, bool openToAll, TranslateContext context)
    {
        var subject = route.Source;
        var where = $"{vhost.Host}{route.Path}";
        if (vhost.Host.Length > MaxPatternLength || route.Path.Length > MaxPatternLength - 2)
        {
            context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, subject,
                $"{where}: ALB host and path conditions hold at most {MaxPatternLength.ToString(CultureInfo.InvariantCulture)} characters; the route is not created");
            yield break;
        }

        var conditions = Conditions(vhost, route);
        ActionSpec? refusal = null;
        if (route.Path.IndexOfAny(['*', '?']) >= 0)
        {
            refusal = Refuse(context, subject, $"{where}: '*' and '?' are wildcards in ALB path patterns; the route answers 503");
        }
        else if (route.Policy?.BasicAuth is not null)
        {
            refusal = Refuse(context, subject, $"{where}: ALB has no basic authentication; the route answers 503 rather than serve unauthenticated");
        }
        else if (route.Policy?.RewriteTarget is not null)
        {
            refusal = Refuse(context, subject, $"{where}: ALB cannot rewrite paths (rewrite-target); the route answers 503");
        }

        if (refusal is not null)
        {
            yield return new RuleSpec(conditions, [refusal]);
            yield break;
        }

        var ranges = route.Policy?.SourceRanges;
        ValueList<ConditionSpec>? restricted = null;
        if (ranges is not null && (openToAll || !lbRanges.SetEquals(ranges)))
        {
            if (ranges.Count == 0)
            {
                yield return new RuleSpec(conditions, [ActionSpec.Fixed(403)]);
                yield break;
            }

            restricted = conditions.Append(new ConditionSpec("source-ip", ranges)).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToValueList();
            if (restricted.Sum(c => c.Values.Count) > MaxConditionValues)
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, subject,
                    $"{where}: the allow list does not fit in an ALB rule ({MaxConditionValues.ToString(CultureInfo.InvariantCulture)} condition values); the route answers 403");
                yield return new RuleSpec(conditions, [ActionSpec.Fixed(403)]);
                yield break;
            }
        }

        foreach (var rule in ActionRules(restricted ?? conditions, route, context))
        {
            yield return rule;
        }

        if (restricted is not null)
        {
            // Sources outside the list must not fall through to a broader rule.
            yield return new RuleSpec(conditions, [ActionSpec.Fixed(403)]);
        }
    }

    private static IEnumerable<RuleSpec> ActionRules(ValueList<ConditionSpec> conditions, Route route, TranslateContext context)
    {
        var action = route.Action;
        switch (action.Kind)
        {
            case RouteActionKind.Redirect:
                yield return new RuleSpec(conditions, [ActionSpec.Redirect("HTTPS", action.RedirectPort ?? 443)]);
                yield break;
            case RouteActionKind.FixedResponse:
                yield return new RuleSpec(conditions, [ActionSpec.Fixed(action.StatusCode ?? 404)]);
                yield break;
        }

        var backends = (action.Backends ?? []).Where(b => context.Usable(b.Backend, route.Source)).ToList();
        if (backends.Count == 0)
        {
            yield return new RuleSpec(conditions, [ActionSpec.Fixed(503)]);
            yield break;
        }

        if (action.Canary is { } canary && context.Usable(canary.Backend, canary.Source))
        {
            if (canary.Header is { } header)
            {
                var byHeader = With(conditions, new ConditionSpec("http-header", [canary.HeaderValue ?? "always"], header));
                if (byHeader.Sum(c => c.Values.Count) <= MaxConditionValues)
                {
                    yield return new RuleSpec(byHeader, [ActionSpec.ForwardTo([new ForwardTarget(canary.Backend, 1)])]);
                    if (canary.HeaderValue is null && canary.Weight > 0)
                    {
                        yield return new RuleSpec(With(conditions, new ConditionSpec("http-header", ["never"], header)), [Forward(backends)]);
                    }
                }
                else
                {
                    context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, canary.Source,
                        "canary-by-header does not fit in an ALB rule next to the route's conditions; only canary-weight applies");
                }
            }

            if (canary.Weight > 0)
            {
                // ALB weights are relative: the primary pools keep their split of the rest.
                var total = backends.Sum(b => b.Weight);
                var targets = backends.Select(b => new ForwardTarget(b.Backend, total == 0 ? 0 : b.Weight * (100 - canary.Weight) / total))
                    .Append(new ForwardTarget(canary.Backend, canary.Weight));
                yield return new RuleSpec(conditions, [ActionSpec.ForwardTo(targets)]);
                yield break;
            }
        }

        yield return new RuleSpec(conditions, [Forward(backends)]);
    }

    private static ActionSpec Forward(IReadOnlyList<WeightedBackend> backends) =>
        ActionSpec.ForwardTo(backends.Select(b => new ForwardTarget(b.Backend, b.Weight)));

    private static ActionSpec Refuse(TranslateContext context, ObjectRef subject, string message)
    {
        context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, subject, message);
        return ActionSpec.Fixed(503);
    }

    /// <summary>host-header unless the rule has no host; path-pattern <c>/p</c> and <c>/p/*</c> for Prefix (nothing for <c>/</c>).</summary>
    private static ValueList<ConditionSpec> Conditions(VirtualHost vhost, Route? route)
    {
        var conditions = new List<ConditionSpec>();
        if (vhost.Match != HostMatchKind.Any)
        {
            conditions.Add(new ConditionSpec("host-header", [vhost.Host]));
        }

        if (route is { PathType: PathMatchKind.Exact })
        {
            conditions.Add(new ConditionSpec("path-pattern", [route.Path]));
        }
        else if (route is { Path: not "/" })
        {
            conditions.Add(new ConditionSpec("path-pattern", [route.Path, route.Path + "/*"]));
        }

        if (conditions.Count == 0)
        {
            conditions.Add(new ConditionSpec("path-pattern", ["/*"]));
        }

        return conditions.OrderBy(c => c.ToString(), StringComparer.Ordinal).ToValueList();
    }

    private static ValueList<ConditionSpec> With(ValueList<ConditionSpec> conditions, ConditionSpec extra) =>
        conditions.Append(extra).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToValueList();

    /// <summary>True when ALB would also send requests for <paramref name="host"/> to <paramref name="later"/>'s rules.</summary>
    private static bool Covers(VirtualHost later, string host) => later.Match switch
    {
        HostMatchKind.Any => true,
        HostMatchKind.Wildcard => host.EndsWith(later.Host[1..], StringComparison.OrdinalIgnoreCase) && host.Length > later.Host.Length - 1,
        _ => false,
    };
}
