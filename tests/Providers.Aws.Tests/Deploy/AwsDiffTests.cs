using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Deploy;

public sealed class AwsDiffTests
{
    private static readonly AwsPlan Plan = AwsTranslator.Translate(
        Build(Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"))}]", tls: "[{hosts: [app.example.com], secretName: app-tls}]")),
        new AwsTranslateOptions { ClusterName = "prod" });

    [Fact]
    public void FromNothing_CreatesInDependencyOrder()
    {
        var ops = AwsDiff.Compute(new AwsInventory(), Plan);
        int First<T>() => ops.ToList().FindIndex(o => o is T);
        int Last<T>() => ops.ToList().FindLastIndex(o => o is T);

        Assert.True(Last<CreateSecurityGroup>() < First<CreateLoadBalancer>());
        Assert.True(Last<ImportCertificate>() < First<CreateListener>());
        Assert.True(Last<CreateTargetGroup>() < First<CreateListener>());
        Assert.True(Last<CreateLoadBalancer>() < First<CreateListener>());
        Assert.True(Last<CreateListener>() < First<CreateRule>());
        Assert.Equal(4, ops.OfType<CreateRule>().Count());
        Assert.Equal(2, ops.OfType<CreateListener>().Count());
        Assert.DoesNotContain(ops, o => o.Verb == '-');
    }

    [Fact]
    public void ToNothing_DeletesRulesAndLoadBalancersBeforeWhatTheyUse()
    {
        var inventory = Realized(Plan);
        var ops = AwsDiff.Compute(inventory, new AwsPlan());
        int First<T>() => ops.ToList().FindIndex(o => o is T);
        int Last<T>() => ops.ToList().FindLastIndex(o => o is T);

        Assert.All(ops, o => Assert.Equal('-', o.Verb));
        Assert.True(Last<DeleteLoadBalancer>() < First<DeleteTargetGroup>());
        Assert.True(Last<DeleteLoadBalancer>() < First<DeleteCertificate>());
        Assert.True(Last<DeleteLoadBalancer>() < First<DeleteSecurityGroup>());
        Assert.Equal(2, ops.OfType<DeleteTargetGroup>().Count());
    }

    [Fact]
    public void Realized_IsUnchanged()
    {
        Assert.Empty(AwsDiff.Compute(Realized(Plan), Plan));
    }

    [Fact]
    public void ChangedSecret_IsReimportedInPlace()
    {
        var inventory = Realized(Plan);
        inventory = inventory with { Certificates = [.. inventory.Certificates.Select(c => c with { Sha256 = "old" })] };
        var op = Assert.IsType<ImportCertificate>(Assert.Single(AwsDiff.Compute(inventory, Plan)));
        Assert.Equal(inventory.Certificates[0].Arn, op.ExistingArn);
    }

    [Fact]
    public void DuplicateImport_KeepsTheCopyInUse_AndDeletesTheOther()
    {
        var inventory = Realized(Plan);
        var kept = inventory.Certificates[0];
        inventory = inventory with { Certificates = [kept with { InUse = true }, kept with { Arn = "arn:aaa-duplicate", InUse = false }] };
        var op = Assert.IsType<DeleteCertificate>(Assert.Single(AwsDiff.Compute(inventory, Plan)));
        Assert.Equal("arn:aaa-duplicate", op.Arn);
    }

    [Fact]
    public void NewEndpoint_IsOneRegister()
    {
        var inventory = Realized(Plan);
        var web = Plan.TargetGroups.First(t => t.PoolId.StartsWith("default/web", StringComparison.Ordinal));
        var fewer = inventory with { TargetGroups = [.. inventory.TargetGroups.Select(t => t.Key == web.Key ? t with { Targets = [web.Targets[0]] } : t)] };
        var op = Assert.IsType<RegisterTargets>(Assert.Single(AwsDiff.Compute(fewer, Plan)));
        Assert.Equal([web.Targets[1]], op.Targets);
    }

    [Fact]
    public void SchemeChange_RecreatesTheLoadBalancer_DeletingTheOldOneFirst()
    {
        var inventory = Realized(Plan);
        var internalPlan = Plan with { LoadBalancers = [.. Plan.LoadBalancers.Select(l => l with { Scheme = "internal" })] };
        var ops = AwsDiff.Compute(inventory, internalPlan);
        Assert.IsType<DeleteLoadBalancer>(ops[0]);
        Assert.IsType<CreateLoadBalancer>(ops[1]);
        Assert.Equal(2, ops.OfType<CreateListener>().Count());
    }

    [Fact]
    public void Realized_AsAnotherEndpointSpellsIt_IsUnchanged()
    {
        var passthrough = AwsTranslator.Translate(
            Build(Ingress("p", $"[{Rule("secure.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough")), new AwsTranslateOptions { ClusterName = "prod" });
        var plan = Plan with
        {
            LoadBalancers = [.. Plan.LoadBalancers, .. passthrough.LoadBalancers],
            TargetGroups = [.. Plan.TargetGroups, .. passthrough.TargetGroups],
            SecurityGroups = [.. Plan.SecurityGroups, .. passthrough.SecurityGroups],
        };
        var inventory = Realized(plan);
        static RuleSpec Shuffled(RuleSpec r) => new(
            [.. r.Conditions.Reverse().Select(c => new ConditionSpec(c.Field.ToUpperInvariant(), c.Field == "host-header" ? c.Values.Select(v => v.ToUpperInvariant()) : c.Values, c.HeaderName))],
            [.. r.Actions.Select(a => a with { Type = a.Type.ToUpperInvariant(), ContentType = a.ContentType?.ToUpperInvariant(), MessageBody = a.MessageBody == string.Empty ? null : a.MessageBody })]);
        var respelled = inventory with
        {
            SecurityGroups = [.. inventory.SecurityGroups.Select(g => g with { Group = g.Group with { Ingress = [.. g.Group.Ingress.Reverse().Select(p => p with { Protocol = "6" })] } })],
            Certificates = [.. inventory.Certificates.Select(c => c with { Sha256 = c.Sha256!.ToUpperInvariant() })],
            TargetGroups = [.. inventory.TargetGroups.Select(t => t with
            {
                TargetGroup = t.TargetGroup with
                {
                    HealthCheck = t.TargetGroup.HealthCheck is { Protocol: "TCP" } h
                        ? h with { Protocol = "tcp", Path = string.Empty, HttpCode = string.Empty, Port = "TRAFFIC-PORT" }
                        : t.TargetGroup.HealthCheck with { Protocol = t.TargetGroup.HealthCheck.Protocol.ToLowerInvariant() },
                },
                Targets = [.. t.Targets.Reverse()],
                Attributes = t.Attributes.Where(a => a.Value != "false").ToDictionary(),
            })],
            LoadBalancers = [.. inventory.LoadBalancers.Select(l => l with
            {
                LoadBalancer = l.LoadBalancer with { Scheme = l.LoadBalancer.Scheme.ToUpperInvariant() },
                Attributes = l.Attributes.Where(a => a.Value != "false").ToDictionary(),
                Listeners = [.. l.Listeners.Select(x => x with
                {
                    Listener = x.Listener with { Protocol = x.Listener.Protocol.ToLowerInvariant(), DefaultActions = [.. x.Listener.DefaultActions.Select(a => a with { Type = a.Type.ToUpperInvariant() })] },
                    Rules = [.. x.Rules.Select(r => r with { Rule = Shuffled(r.Rule) })],
                    Certificates = [.. x.Certificates.Reverse()],
                })],
            })],
        };

        Assert.Empty(AwsDiff.Compute(respelled, plan));
    }

    [Fact]
    public void EveryChange_NamesItsResourceAndTheFieldsThatDiffered()
    {
        var inventory = Realized(Plan);
        var web = Plan.TargetGroups.First(t => t.PoolId.StartsWith("default/web", StringComparison.Ordinal));
        var lb = Plan.LoadBalancers.Single();
        inventory = inventory with
        {
            TargetGroups = [.. inventory.TargetGroups.Select(t => t.Key != web.Key ? t : t with { TargetGroup = t.TargetGroup with { HealthCheck = t.TargetGroup.HealthCheck with { Path = "/old", IntervalSeconds = 60 } } })],
            LoadBalancers = [.. inventory.LoadBalancers.Select(l => l with { Attributes = new Dictionary<string, string> { ["routing.http.drop_invalid_header_fields.enabled"] = "false" } })],
        };

        var ops = AwsDiff.Compute(inventory, Plan);

        var health = Assert.IsType<ModifyTargetGroup>(ops.Single(o => o is ModifyTargetGroup));
        Assert.Equal(web.Key, health.ResourceKey);
        Assert.Equal(["HealthCheckPath: desired /, observed /old", "HealthCheckIntervalSeconds: desired 15, observed 60"], health.Changes.Select(c => c.ToString()));
        var attributes = Assert.IsType<ModifyLoadBalancerAttributes>(ops.Single(o => o is ModifyLoadBalancerAttributes));
        Assert.Equal(lb.Key, attributes.ResourceKey);
        Assert.Equal([new AwsFieldChange("routing.http.drop_invalid_header_fields.enabled", "true", "false")], attributes.Changes);
        Assert.All(AwsDiff.Compute(new AwsInventory(), Plan), o => Assert.False(string.IsNullOrEmpty(o.ResourceKey)));
    }

    /// <summary>The inventory an exact execution of <paramref name="plan"/> would leave (ARNs made up from keys).</summary>
    internal static AwsInventory Realized(AwsPlan plan)
    {
        string Tg(string key) => "arn:tg:" + key;
        string Cert(CertificateRef c) => c.Arn ?? "arn:cert:" + c.ImportKey;
        return new AwsInventory
        {
            SecurityGroups = [.. plan.SecurityGroups.Select(s => new ActualSecurityGroup(s.Key, new Ec2SecurityGroup("sg-" + s.Key, s.Name, "vpc-1", s.Ingress, new Dictionary<string, string>())))],
            Certificates = [.. plan.Certificates.Select(c => new ActualCertificate(c.Key, "arn:cert:" + c.Key, c.Sha256, true))],
            TargetGroups = [.. plan.TargetGroups.Select(t => new ActualTargetGroup(t.Key, new ElbTargetGroup(Tg(t.Key), t.Name, t.Protocol, t.ProtocolVersion, t.Port, "vpc-1", t.TargetType, t.HealthCheck))
            {
                Targets = t.Targets,
                Attributes = t.Attributes,
            })],
            LoadBalancers = [.. plan.LoadBalancers.Select(l => new ActualLoadBalancer(l.Key, new ElbLoadBalancer("arn:lb:" + l.Key, l.Name, l.Type, l.Scheme, l.Name + ".elb", "vpc-1", "active")
            {
                SecurityGroups = ["sg-" + l.SecurityGroupKey],
            })
            {
                Attributes = l.Attributes,
                Listeners = [.. l.Listeners.Select(x => new ActualListener(new ElbListener($"arn:listener:{l.Key}:{x.Port}", "arn:lb:" + l.Key, x.Port, x.Protocol, x.SslPolicy,
                    x.Certificates.Count > 0 ? Cert(x.Certificates[0]) : null, [x.DefaultAction.MapTargets(Tg)]))
                {
                    Rules = [.. x.Rules.Select((r, i) => new ElbRule($"arn:rule:{l.Key}:{x.Port}:{i}", (i + 1) * 10, r.MapTargets(Tg)))],
                    Certificates = [.. x.Certificates.Select(Cert)],
                })],
            })],
        };
    }
}
