using CloudIngress.Emulators.Aws;
using CloudIngress.Tests;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

public sealed class AwsEmulatorFaultTests : EmulatorTest
{
    private readonly TestClock _clock = new();

    private protected override AwsEmulatorOptions Options => new() { Time = _clock };

    [Fact]
    public async Task ThrottleNext_UsesEachServicesThrottlingError()
    {
        Aws.Faults.ThrottleNext(1, "elasticloadbalancing");
        Aws.Faults.ThrottleNext(1, "ec2");
        Aws.Faults.ThrottleNext(1, "acm");
        (await Wire.Elb("DescribeLoadBalancers")).Fails("Throttling");
        (await Wire.Ec2("DescribeVpcs")).Fails("RequestLimitExceeded", 503);
        (await Wire.Acm("ListCertificates", [])).Fails("ThrottlingException");
        (await Wire.Elb("DescribeLoadBalancers")).Ok();
    }

    [Fact]
    public async Task ThrottleNext_ForOneAction_LeavesOthersAlone()
    {
        Aws.Faults.ThrottleNext(2, action: "DescribeTargetGroups");
        (await Wire.Elb("DescribeLoadBalancers")).Ok();
        (await Wire.Elb("DescribeTargetGroups")).Fails("Throttling");
        (await Wire.Elb("DescribeTargetGroups")).Fails("Throttling");
        (await Wire.Elb("DescribeTargetGroups")).Ok();
    }

    [Fact]
    public async Task FailNext_BeforeCommit_ChangesNothing()
    {
        Aws.Faults.FailNext(1, 503, "elasticloadbalancing", "CreateTargetGroup");
        var answer = await Wire.Elb("CreateTargetGroup", "Name", "lost", "Protocol", "HTTP", "Port", "80", "VpcId", Aws.DefaultVpcId!);
        answer.Fails("ServiceUnavailable", 503);
        Assert.Empty(Aws.TargetGroups());
    }

    [Fact]
    public async Task FailNext_AfterCommit_AppliesTheChangeAndLosesTheAnswer()
    {
        Aws.Faults.FailNext(1, service: "elasticloadbalancing", action: "CreateTargetGroup", afterCommit: true);
        var answer = await Wire.Elb("CreateTargetGroup", "Name", "committed", "Protocol", "HTTP", "Port", "80", "VpcId", Aws.DefaultVpcId!);
        answer.Fails("InternalFailure", 500);
        Assert.Equal("committed", Assert.Single(Aws.TargetGroups()).Name);
        Aws.Faults.FailNext(1, service: "ec2", afterCommit: true);
        (await Wire.Ec2("CreateSecurityGroup", "GroupName", "g", "GroupDescription", "d", "VpcId", Aws.DefaultVpcId!)).Fails("InternalError", 500);
        Assert.Contains(Aws.SecurityGroups(), g => g.Name == "g");
    }

    [Fact]
    public async Task DelayNext_DelaysTheAnswer()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        Aws.Faults.DelayNext(1, delay, "acm");
        var answer = Wire.Acm("ListCertificates", new JsonObject());
        await Eventually.Until(() => _clock.Waiting == 1, what: "the emulator holding the answer back");
        _clock.Advance(delay - TimeSpan.FromTicks(1));
        Assert.False(answer.IsCompleted, "answered before the delay had passed");
        _clock.Advance(TimeSpan.FromTicks(1));
        (await answer.WaitAsync(TimeSpan.FromSeconds(10))).Ok();
    }

    [Fact]
    public async Task RandomFailures_AreSeeded_AndClearStopsThem()
    {
        async Task<string> Run(int seed)
        {
            Aws.Faults.RandomFailures(0.5, seed);
            var codes = new List<string>();
            for (var i = 0; i < 30; i++)
            {
                codes.Add((await Wire.Elb("DescribeLoadBalancers")).Code ?? "ok");
            }

            return string.Join(',', codes);
        }

        var first = await Run(7);
        Assert.Equal(first, await Run(7));
        Assert.Contains("Throttling", first, StringComparison.Ordinal);
        Assert.Contains("InternalFailure", first, StringComparison.Ordinal);
        Assert.Contains("ok", first, StringComparison.Ordinal);
        Aws.Faults.Clear();
        (await Wire.Elb("DescribeLoadBalancers")).Ok();
    }
}
