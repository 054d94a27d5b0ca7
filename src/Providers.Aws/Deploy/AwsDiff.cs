using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// diff(actual, desired) → ordered operations (pure). Desired and actual are matched by resource
/// key; an unchanged plan gives no operation at all. The order keeps every intermediate state
/// valid: security groups, certificates and target groups before the load balancers, listeners and
/// rules that use them; on the way out rules and listeners before the target groups, certificates
/// and security groups they held. Values are compared by meaning (<see cref="AwsCanonical"/>), and
/// every change carries the fields that differed, so that a change that keeps coming back can say why.
/// </summary>
public static class AwsDiff
{
    public static IReadOnlyList<AwsOperation> Compute(AwsInventory actual, AwsPlan desired)
    {
        var ops = new Phases();
        var tgKeyOf = actual.TargetGroups.ToDictionary(t => t.TargetGroup.Arn, t => t.Key, StringComparer.Ordinal);
        var certKeyOf = actual.Certificates.ToDictionary(c => c.Arn, c => c.Key, StringComparer.Ordinal);

        SecurityGroups(actual, desired, ops);
        Certificates(actual, desired, ops);
        TargetGroups(actual, desired, ops);
        LoadBalancers(actual, desired, ops, arn => tgKeyOf.GetValueOrDefault(arn, arn),
            arn => certKeyOf.TryGetValue(arn, out var key) ? CertificateRef.ForImport(key) : CertificateRef.ForArn(arn));
        return ops.InOrder();
    }

    private static void SecurityGroups(AwsInventory actual, AwsPlan desired, Phases ops)
    {
        var current = Owned(actual.SecurityGroups, g => g.Key, g => g.Group.Id, out var surplus);
        foreach (var plan in desired.SecurityGroups)
        {
            if (!current.TryGetValue(plan.Key, out var existing))
            {
                ops.Early.Add(new CreateSecurityGroup(plan));
                ops.Early.Add(new AuthorizeIngress(plan.Key, plan.Ingress));
                continue;
            }

            var have = existing.Group.Ingress.Select(AwsCanonical.Permission).ToHashSet();
            var want = plan.Ingress.Select(AwsCanonical.Permission).ToHashSet();
            var missing = plan.Ingress.Where(p => !have.Contains(AwsCanonical.Permission(p))).ToList();
            var extra = existing.Group.Ingress.Where(p => !want.Contains(AwsCanonical.Permission(p))).Distinct().ToList();
            if (missing.Count > 0)
            {
                ops.Early.Add(new AuthorizeIngress(plan.Key, missing) { Changes = [Change("IpPermissions", List(missing), AwsFieldChange.Absent)] });
            }

            if (extra.Count > 0)
            {
                ops.Early.Add(new RevokeIngress(existing.Group.Id, extra) { SecurityGroupKey = plan.Key, Changes = [Change("IpPermissions", AwsFieldChange.Absent, List(extra))] });
            }
        }

        var wanted = desired.SecurityGroups.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var g in current.Values.Where(g => !wanted.Contains(g.Key)).Concat(surplus))
        {
            ops.LastDeletes.Add(new DeleteSecurityGroup(g.Group.Id, g.Key));
        }
    }

    private static void Certificates(AwsInventory actual, AwsPlan desired, Phases ops)
    {
        // Two copies of one key (a lost ImportCertificate answer, retried): keep the one in use.
        var byKey = actual.Certificates.GroupBy(c => c.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.InUse).ThenBy(c => c.Arn, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var wanted = desired.Certificates.ToDictionary(c => c.Key, StringComparer.Ordinal);
        foreach (var plan in desired.Certificates)
        {
            if (!byKey.TryGetValue(plan.Key, out var copies))
            {
                ops.Early.Add(new ImportCertificate(plan, null));
            }
            else if (!string.Equals(copies[0].Sha256, plan.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                ops.Early.Add(new ImportCertificate(plan, copies[0].Arn) { Changes = [Change("tag " + InventoryReader.Sha256Tag, plan.Sha256, copies[0].Sha256)] });
            }
        }

        foreach (var (key, copies) in byKey)
        {
            foreach (var copy in wanted.ContainsKey(key) ? copies.Skip(1) : copies)
            {
                ops.CertificateDeletes.Add(new DeleteCertificate(copy.Arn, key));
            }
        }
    }

    private static void TargetGroups(AwsInventory actual, AwsPlan desired, Phases ops)
    {
        var current = Owned(actual.TargetGroups, t => t.Key, t => t.TargetGroup.Arn, out var surplus);
        foreach (var plan in desired.TargetGroups)
        {
            if (!current.TryGetValue(plan.Key, out var existing))
            {
                ops.Early.Add(new CreateTargetGroup(plan));
                if (plan.Attributes.Count > 0)
                {
                    ops.Early.Add(new ModifyTargetGroupAttributes(plan.Key, plan.Attributes));
                }

                if (plan.Targets.Count > 0)
                {
                    ops.Targets.Add(new RegisterTargets(plan.Key, plan.Targets));
                }

                continue;
            }

            var health = HealthCheckChanges(plan.HealthCheck, existing.TargetGroup.HealthCheck);
            if (health.Count > 0)
            {
                ops.Early.Add(new ModifyTargetGroup(plan.Key, plan.HealthCheck) { Changes = health });
            }

            var changed = AwsCanonical.ChangedAttributes(plan.Attributes, existing.Attributes);
            if (changed.Count > 0)
            {
                ops.Early.Add(new ModifyTargetGroupAttributes(plan.Key, changed) { Changes = AttributeChanges(changed, existing.Attributes) });
            }

            var have = existing.Targets.ToHashSet();
            var add = plan.Targets.Where(t => !have.Contains(t)).ToList();
            var remove = existing.Targets.Where(t => !plan.Targets.Contains(t)).ToList();
            if (add.Count > 0)
            {
                ops.Targets.Add(new RegisterTargets(plan.Key, add) { Changes = [Change("Targets", List(add), AwsFieldChange.Absent)] });
            }

            if (remove.Count > 0)
            {
                ops.Targets.Add(new DeregisterTargets(plan.Key, remove) { Changes = [Change("Targets", AwsFieldChange.Absent, List(remove))] });
            }
        }

        var wanted = desired.TargetGroups.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var t in current.Values.Where(t => !wanted.Contains(t.Key)).Concat(surplus))
        {
            ops.TargetGroupDeletes.Add(new DeleteTargetGroup(t.TargetGroup.Arn, t.Key));
        }
    }

    private static void LoadBalancers(AwsInventory actual, AwsPlan desired, Phases ops, Func<string, string> tgKey, Func<string, CertificateRef> certRef)
    {
        var current = Owned(actual.LoadBalancers, l => l.Key, l => l.LoadBalancer.Arn, out var surplus);
        foreach (var plan in desired.LoadBalancers)
        {
            current.TryGetValue(plan.Key, out var existing);
            if (existing is not null && (existing.LoadBalancer.Type != plan.Type || !AwsCanonical.SameText(plan.Scheme, existing.LoadBalancer.Scheme)))
            {
                // Type and scheme are fixed at creation: the old one goes first (it holds the name).
                ops.Recreate.Add(new DeleteLoadBalancer(existing.LoadBalancer.Arn, plan.Key)
                {
                    Changes = [Change("Type and Scheme", $"{plan.Type} {plan.Scheme}", $"{existing.LoadBalancer.Type} {existing.LoadBalancer.Scheme}")],
                });
                existing = null;
            }

            if (existing is null)
            {
                ops.LoadBalancers.Add(new CreateLoadBalancer(plan));
                if (plan.Attributes.Count > 0)
                {
                    ops.LoadBalancers.Add(new ModifyLoadBalancerAttributes(plan.Key, plan.Attributes));
                }

                foreach (var listener in plan.Listeners)
                {
                    NewListener(plan.Key, listener, ops);
                }

                continue;
            }

            if (existing.LoadBalancer.SecurityGroups.Count != 1 || !actual.SecurityGroups.Any(g => g.Key == plan.SecurityGroupKey && g.Group.Id == existing.LoadBalancer.SecurityGroups[0]))
            {
                ops.LoadBalancers.Add(new SetSecurityGroups(plan.Key, plan.SecurityGroupKey)
                {
                    Changes = [Change("SecurityGroups", plan.SecurityGroupKey, List(existing.LoadBalancer.SecurityGroups))],
                });
            }

            var changedAttributes = AwsCanonical.ChangedAttributes(plan.Attributes, existing.Attributes);
            if (changedAttributes.Count > 0)
            {
                ops.LoadBalancers.Add(new ModifyLoadBalancerAttributes(plan.Key, changedAttributes) { Changes = AttributeChanges(changedAttributes, existing.Attributes) });
            }

            var listeners = existing.Listeners.ToDictionary(l => l.Listener.Port);
            foreach (var gone in existing.Listeners.Where(l => !plan.Listeners.Any(p => p.Port == l.Listener.Port)))
            {
                ops.ListenerDeletes.Add(new DeleteListener(gone.Listener.Arn, plan.Key, gone.Listener.Port));
            }

            foreach (var listener in plan.Listeners)
            {
                if (listeners.TryGetValue(listener.Port, out var have))
                {
                    ExistingListener(plan.Key, listener, have, ops, tgKey, certRef);
                }
                else
                {
                    NewListener(plan.Key, listener, ops);
                }
            }
        }

        var wanted = desired.LoadBalancers.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var lb in current.Values.Where(l => !wanted.Contains(l.Key)).Concat(surplus))
        {
            ops.LoadBalancerDeletes.Add(new DeleteLoadBalancer(lb.LoadBalancer.Arn, lb.Key));
        }
    }

    private static void NewListener(string lbKey, ListenerPlan listener, Phases ops)
    {
        ops.Listeners.Add(new CreateListener(lbKey, listener));
        if (listener.Certificates.Count > 1)
        {
            ops.Listeners.Add(new AddListenerCertificates(lbKey, listener.Port, [.. listener.Certificates.Skip(1)]));
        }

        var priorities = RulePlanner.Fresh(listener.Rules.Count);
        for (var i = 0; i < listener.Rules.Count; i++)
        {
            ops.Rules.Add(new CreateRule(lbKey, listener.Port, priorities[i], listener.Rules[i]));
        }
    }

    private static void ExistingListener(string lbKey, ListenerPlan plan, ActualListener have, Phases ops, Func<string, string> tgKey, Func<string, CertificateRef> certRef)
    {
        var l = have.Listener;
        var actualDefault = l.DefaultActions.Count == 1 ? AwsCanonical.Action(l.DefaultActions[0].MapTargets(tgKey)) : null;
        var actualCerts = have.Certificates.Select(certRef).ToList();
        var defaultCertificate = plan.Certificates.Count > 0 ? plan.Certificates[0] : null;
        var actualDefaultCertificate = l.DefaultCertificate is { } arn ? certRef(arn) : null;
        var where = $"listener {plan.Port.ToString(CultureInfo.InvariantCulture)} ";
        var listenerChanges = new List<AwsFieldChange>();
        if (!AwsCanonical.SameText(plan.Protocol, l.Protocol))
        {
            listenerChanges.Add(Change(where + "Protocol", plan.Protocol, l.Protocol));
        }

        if (plan.SslPolicy is not null && !AwsCanonical.SameText(plan.SslPolicy, l.SslPolicy))
        {
            listenerChanges.Add(Change(where + "SslPolicy", plan.SslPolicy, l.SslPolicy));
        }

        if (actualDefault != AwsCanonical.Action(plan.DefaultAction))
        {
            listenerChanges.Add(Change(where + "DefaultActions", plan.DefaultAction.ToString(), l.DefaultActions.Count == 0 ? null : List(l.DefaultActions.Select(a => a.MapTargets(tgKey)))));
        }

        if (actualDefaultCertificate != defaultCertificate)
        {
            listenerChanges.Add(Change(where + "DefaultCertificate", defaultCertificate?.ToString(), actualDefaultCertificate?.ToString()));
        }

        if (listenerChanges.Count > 0)
        {
            ops.Listeners.Add(new ModifyListener(l.Arn, lbKey, plan) { Changes = [.. listenerChanges] });
        }

        var extraWanted = plan.Certificates.Skip(1).ToList();
        var extraHave = actualCerts.Where(c => c != actualDefaultCertificate).ToList();
        var add = extraWanted.Where(c => !extraHave.Contains(c)).ToList();
        var remove = have.Certificates.Where(a => a != l.DefaultCertificate && !plan.Certificates.Contains(certRef(a))).ToList();
        if (add.Count > 0)
        {
            ops.Listeners.Add(new AddListenerCertificates(lbKey, plan.Port, add) { Changes = [Change(where + "Certificates", List(add), AwsFieldChange.Absent)] });
        }

        if (remove.Count > 0)
        {
            ops.ListenerCertificateRemovals.Add(new RemoveListenerCertificates(l.Arn, lbKey, plan.Port, remove) { Changes = [Change(where + "Certificates", AwsFieldChange.Absent, List(remove))] });
        }

        var rules = have.Rules.Select(r => r with { Rule = AwsCanonical.Rule(r.Rule.MapTargets(tgKey)) }).ToList();
        var byArn = rules.ToDictionary(r => r.Arn, StringComparer.Ordinal);
        var changes = RulePlanner.Plan([.. plan.Rules.Select(AwsCanonical.Rule)], rules);
        ops.Rules.AddRange(changes.Delete.Select(arn => new DeleteRule(arn, lbKey, plan.Port) { Changes = [Change(where + "rule", AwsFieldChange.Absent, byArn[arn].Rule.ToString())] }));
        ops.Rules.AddRange(changes.Modify.Select(m => new ModifyRule(m.RuleArn, lbKey, plan.Port, m.Rule)
        {
            Changes = [Change($"{where}rule {Priority(byArn[m.RuleArn])}", m.Rule.ToString(), byArn[m.RuleArn].Rule.ToString())],
        }));
        if (changes.Reprioritize.Count > 0)
        {
            ops.Rules.Add(new SetRulePriorities(lbKey, plan.Port, changes.Reprioritize)
            {
                Changes = [Change(where + "rule priorities", List(changes.Reprioritize.Select(r => r.Priority)), List(changes.Reprioritize.Select(r => Priority(byArn[r.RuleArn]))))],
            });
        }

        ops.Rules.AddRange(changes.Create.Select(c => new CreateRule(lbKey, plan.Port, c.Priority, c.Rule) { Changes = [Change(where + "rule", c.Rule.ToString(), AwsFieldChange.Absent)] }));
    }

    private static ValueList<AwsFieldChange> HealthCheckChanges(HealthCheckSpec desired, HealthCheckSpec observed)
    {
        var (d, o) = (AwsCanonical.HealthCheck(desired), AwsCanonical.HealthCheck(observed));
        var fields = new (string Field, object? Desired, object? Observed)[]
        {
            ("HealthCheckProtocol", d.Protocol, o.Protocol),
            ("HealthCheckPort", d.Port, o.Port),
            ("HealthCheckPath", d.Path, o.Path),
            ("HealthCheckIntervalSeconds", d.IntervalSeconds, o.IntervalSeconds),
            ("HealthCheckTimeoutSeconds", d.TimeoutSeconds, o.TimeoutSeconds),
            ("HealthyThresholdCount", d.HealthyThreshold, o.HealthyThreshold),
            ("UnhealthyThresholdCount", d.UnhealthyThreshold, o.UnhealthyThreshold),
            ("Matcher.HttpCode", d.HttpCode, o.HttpCode),
            ("Matcher.GrpcCode", d.GrpcCode, o.GrpcCode),
        };
        return fields.Where(f => !Equals(f.Desired, f.Observed))
            .Select(f => Change(f.Field, Convert.ToString(f.Desired, CultureInfo.InvariantCulture), Convert.ToString(f.Observed, CultureInfo.InvariantCulture)))
            .ToValueList();
    }

    private static ValueList<AwsFieldChange> AttributeChanges(IReadOnlyDictionary<string, string> changed, IReadOnlyDictionary<string, string> observed) =>
        changed.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => Change(a.Key, a.Value, observed.GetValueOrDefault(a.Key))).ToValueList();

    private static AwsFieldChange Change(string field, string? desired, string? observed) =>
        new(field, desired ?? AwsFieldChange.Absent, observed ?? AwsFieldChange.Absent);

    private static string List<T>(IEnumerable<T> items) => "[" + string.Join(", ", items) + "]";

    private static string Priority(ElbRule rule) => rule.Priority?.ToString(CultureInfo.InvariantCulture) ?? "default";

    /// <summary>Actual resources by key; a second one with the same key (never expected) is surplus, to be removed.</summary>
    private static Dictionary<string, T> Owned<T>(IEnumerable<T> items, Func<T, string> key, Func<T, string> id, out List<T> surplus)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        surplus = [];
        foreach (var item in items.OrderBy(id, StringComparer.Ordinal))
        {
            if (!result.TryAdd(key(item), item))
            {
                surplus.Add(item);
            }
        }

        return result;
    }

    private sealed class Phases
    {
        public List<AwsOperation> Early { get; } = [];
        public List<AwsOperation> Targets { get; } = [];
        public List<AwsOperation> Recreate { get; } = [];
        public List<AwsOperation> LoadBalancers { get; } = [];
        public List<AwsOperation> ListenerDeletes { get; } = [];
        public List<AwsOperation> Listeners { get; } = [];
        public List<AwsOperation> Rules { get; } = [];
        public List<AwsOperation> ListenerCertificateRemovals { get; } = [];
        public List<AwsOperation> LoadBalancerDeletes { get; } = [];
        public List<AwsOperation> TargetGroupDeletes { get; } = [];
        public List<AwsOperation> CertificateDeletes { get; } = [];
        public List<AwsOperation> LastDeletes { get; } = [];

        public List<AwsOperation> InOrder() =>
        [
            .. Early, .. Targets, .. Recreate, .. LoadBalancers, .. ListenerDeletes, .. Listeners, .. Rules,
            .. ListenerCertificateRemovals, .. LoadBalancerDeletes, .. TargetGroupDeletes, .. CertificateDeletes, .. LastDeletes,
        ];
    }
}
