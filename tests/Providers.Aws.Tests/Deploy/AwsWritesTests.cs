using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Tests.Deploy;

public sealed class AwsWritesTests
{
    private static readonly RuleSpec Rule = new(ValueList<ConditionSpec>.Empty, ValueList<ActionSpec>.Empty);

    [Fact]
    public void Of_ReadsBackWhatEachOperationWrote_AndNothingElse()
    {
        var writes = AwsWrites.Of(
        [
            new RegisterTargets("tg/a", [new TargetSpec("10.0.0.1", 80)]),
            new DeregisterTargets("tg/a", [new TargetSpec("10.0.0.2", 80)]),
            new ModifyTargetGroup("tg/b", new HealthCheckSpec("HTTP", "traffic-port", "/", 15, 5, 2, 2, "200", null)),
            new CreateRule("alb/x", 443, 10, Rule),
            new ModifyRule("arn:rule", "alb/x", 80, Rule),
            new DeleteTargetGroup("arn:tg/c", "tg/c"),
        ]);

        Assert.Equal([("tg/a", AwsParts.Targets), ("tg/b", AwsParts.Description)], writes.TargetGroups.Select(t => (t.Key, t.Value)).Order());
        Assert.Equal([(("alb/x", 80), AwsParts.Rules), (("alb/x", 443), AwsParts.Rules)], writes.Listeners.Select(l => (l.Key, l.Value)).OrderBy(l => l.Key.Port));
        Assert.Empty(writes.LoadBalancers);
        Assert.Equal(["arn:tg/c"], writes.DeletedTargetGroupArns);
        Assert.Empty(writes.SecurityGroups);
        Assert.Empty(writes.Certificates);
    }

    [Fact]
    public void Of_ACreatedResource_IsReadWhole_AndANewListenerWithItsRulesAndCertificates()
    {
        var listener = new ListenerPlan { Port = 443, Protocol = "HTTPS", DefaultAction = ActionSpec.Fixed(404) };
        var writes = AwsWrites.Of([new CreateListener("alb/x", listener)]);

        Assert.Equal(AwsParts.Listeners, writes.LoadBalancers["alb/x"]);
        Assert.Equal(AwsParts.Rules | AwsParts.Certificates, writes.Listeners[("alb/x", 443)]);
        Assert.True(AwsWrites.Of([]).IsEmpty);
    }
}
