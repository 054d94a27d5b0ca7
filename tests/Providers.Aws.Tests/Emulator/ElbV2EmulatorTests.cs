using CloudIngress.Emulators.Aws;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

public sealed class ElbV2EmulatorTests : EmulatorTest
{
    private protected override AwsEmulatorOptions Options => new() { MaxRulesPerLoadBalancer = 4 };

    [Theory]
    [InlineData("-web")]
    [InlineData("web-")]
    [InlineData("internal-web")]
    [InlineData("web_1")]
    [InlineData("a23456789012345678901234567890123")]
    public async Task CreateLoadBalancer_BadName_IsValidationError(string name)
    {
        (await Wire.Elb("CreateLoadBalancer", "Name", name, "Subnets.member.1", Wire.Subnets()[0], "Subnets.member.2", Wire.Subnets()[1])).Fails("ValidationError");
    }

    [Fact]
    public async Task CreateLoadBalancer_AnswersTheDocumentedFields()
    {
        var answer = (await Wire.Elb("CreateLoadBalancer", "Name", "web", "Scheme", "internal", "Subnets.member.1", Wire.Subnets()[0], "Subnets.member.2", Wire.Subnets()[1])).Ok();
        Assert.Matches(@"^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/[0-9a-f]{16}$", answer.One("LoadBalancerArn"));
        Assert.Matches(@"^internal-web-\d{10}\.us-east-1\.elb\.amazonaws\.com$", answer.One("DNSName"));
        Assert.Equal("active", answer.One("Code"));
        Assert.Equal(Aws.DefaultVpcId, answer.One("VpcId"));
        Assert.Equal(["us-east-1a", "us-east-1b"], answer.All("ZoneName"));
    }

    [Fact]
    public async Task CreateLoadBalancer_SameNameAgain_ReturnsItWhenIdentical_RefusesOtherwise()
    {
        var arn = await Wire.CreateLoadBalancer("web");
        Assert.Equal(arn, await Wire.CreateLoadBalancer("web"));
        (await Wire.Elb("CreateLoadBalancer", "Name", "web", "Subnets.member.1", Wire.Subnets()[0], "Subnets.member.2", Wire.Subnets()[2])).Fails("DuplicateLoadBalancerName");
    }

    [Fact]
    public async Task CreateLoadBalancer_ChecksSubnetsAndSecurityGroups()
    {
        var subnets = Wire.Subnets();
        (await Wire.Elb("CreateLoadBalancer", "Name", "one", "Subnets.member.1", subnets[0])).Fails("ValidationError");
        (await Wire.Elb("CreateLoadBalancer", "Name", "one", "Type", "network", "Subnets.member.1", subnets[0])).Ok();
        (await Wire.Elb("CreateLoadBalancer", "Name", "two", "Subnets.member.1", subnets[0], "Subnets.member.2", "subnet-404")).Fails("SubnetNotFound");
        (await Wire.Elb("CreateLoadBalancer", "Name", "two", "Subnets.member.1", subnets[0], "Subnets.member.2", subnets[1], "SecurityGroups.member.1", "sg-404")).Fails("InvalidSecurityGroup");
        var otherVpc = Aws.AddVpc("172.16.0.0/16");
        var foreign = Aws.AddSubnet(otherVpc, "us-east-1c", "172.16.0.0/20");
        (await Wire.Elb("CreateLoadBalancer", "Name", "two", "Subnets.member.1", subnets[0], "Subnets.member.2", foreign)).Fails("InvalidConfigurationRequest");
    }

    [Fact]
    public async Task CreateListener_EnforcesProtocolsPortsAndLimits()
    {
        var (lb, _, group) = await Wire.AlbWithListener();
        (await Wire.Elb("CreateListener", "LoadBalancerArn", lb, "Protocol", "TCP", "Port", "81", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", group)).Fails("IncompatibleProtocols");
        Assert.Equal(Aws.LoadBalancers()[0].Listeners[0].Arn, await Wire.CreateListener(lb, 80, group));
        (await Wire.Elb("CreateListener", "LoadBalancerArn", lb, "Protocol", "HTTP", "Port", "80", "DefaultActions.member.1.Type", "fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode", "404")).Fails("DuplicateListener");
        for (var port = 81; port < 130; port++)
        {
            await Wire.CreateListener(lb, port, group);
        }

        (await Wire.Elb("CreateListener", "LoadBalancerArn", lb, "Protocol", "HTTP", "Port", "130", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", group)).Fails("TooManyListeners");
    }

    [Fact]
    public async Task HttpsListener_NeedsAnIssuedCertificateThatExists()
    {
        var time = new ManualTime();
        await using var aws = await AwsEmulator.StartAsync(new AwsEmulatorOptions { Time = time });
        using var wire = new AwsWire(aws);
        var lb = await wire.CreateLoadBalancer("tls");
        var group = await wire.CreateTargetGroup("tls-tg");
        string[] https = ["LoadBalancerArn", lb, "Protocol", "HTTPS", "Port", "443", "DefaultActions.member.1.Type", "forward", "DefaultActions.member.1.TargetGroupArn", group];
        (await wire.Elb("CreateListener", https)).Fails("ValidationError");
        (await wire.Elb("CreateListener", [.. https, "Certificates.member.1.CertificateArn", "arn:aws:acm:us-east-1:000000000000:certificate/404"])).Fails("CertificateNotFound");
        var (pem, key) = TestCertificates.Rsa("shop.example.com", DateTimeOffset.UtcNow.AddDays(2));
        var certificate = await wire.Import(pem, key);
        time.Now = DateTimeOffset.UtcNow.AddDays(3);
        (await wire.Elb("CreateListener", [.. https, "Certificates.member.1.CertificateArn", certificate])).Fails("CertificateNotFound");
        time.Now = DateTimeOffset.UtcNow;
        (await wire.Elb("CreateListener", [.. https, "Certificates.member.1.CertificateArn", certificate])).Ok();
        (await wire.Elb("AddListenerCertificates", "ListenerArn", aws.LoadBalancers()[0].Listeners[0].Arn, "Certificates.member.1.CertificateArn", "arn:aws:acm:us-east-1:000000000000:certificate/405")).Fails("CertificateNotFound");
    }

    [Fact]
    public async Task ListenerCertificates_MarkTheDefault_AndItCannotBeRemoved()
    {
        var lb = await Wire.CreateLoadBalancer("tls");
        var group = await Wire.CreateTargetGroup("tls-tg");
        var first = Aws.AddIssuedCertificate("a.example.com");
        var second = Aws.AddIssuedCertificate("b.example.com");
        var listener = await Wire.CreateListener(lb, 443, group, "HTTPS", first);
        (await Wire.Elb("AddListenerCertificates", "ListenerArn", listener, "Certificates.member.1.CertificateArn", second)).Ok();
        var described = (await Wire.Elb("DescribeListenerCertificates", "ListenerArn", listener)).Ok();
        Assert.Equal([first, second], described.All("CertificateArn"));
        Assert.Equal(["true", "false"], described.All("IsDefault"));
        (await Wire.Elb("RemoveListenerCertificates", "ListenerArn", listener, "Certificates.member.1.CertificateArn", first)).Fails("OperationNotPermitted");
        (await Wire.Elb("RemoveListenerCertificates", "ListenerArn", listener, "Certificates.member.1.CertificateArn", second)).Ok();
        Assert.Equal([first], Aws.LoadBalancers()[0].Listeners[0].Certificates);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("50001")]
    public async Task CreateRule_PriorityOutOfRange_IsValidationError(string priority)
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        (await Wire.Elb("CreateRule", "ListenerArn", listener, "Priority", priority, "Conditions.member.1.Field", "path-pattern",
            "Conditions.member.1.Values.member.1", "/a", "Actions.member.1.Type", "forward", "Actions.member.1.TargetGroupArn", group)).Fails("ValidationError");
    }

    [Fact]
    public async Task CreateRule_PriorityTaken_IsPriorityInUse()
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        (await Wire.CreateRule(listener, 10, "a.example.com", group)).Ok();
        (await Wire.CreateRule(listener, 10, "b.example.com", group)).Fails("PriorityInUse");
    }

    [Fact]
    public async Task CreateRule_BeyondThePerLoadBalancerQuota_IsTooManyRules()
    {
        var (lb, listener, group) = await Wire.AlbWithListener();
        var other = await Wire.CreateListener(lb, 8080, group);
        for (var i = 1; i <= 4; i++)
        {
            (await Wire.CreateRule(i % 2 == 0 ? listener : other, i, $"h{i}.example.com", group)).Ok();
        }

        (await Wire.CreateRule(listener, 5, "h5.example.com", group)).Fails("TooManyRules");
    }

    [Fact]
    public async Task CreateRule_ConditionLimits_AreValidationErrors()
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        string[] six = ["Conditions.member.1.HostHeaderConfig.Values.member.2", "b", "Conditions.member.1.HostHeaderConfig.Values.member.3", "c",
            "Conditions.member.2.Field", "path-pattern", "Conditions.member.2.PathPatternConfig.Values.member.1", "/1", "Conditions.member.2.PathPatternConfig.Values.member.2", "/2",
            "Conditions.member.2.PathPatternConfig.Values.member.3", "/3"];
        (await Wire.CreateRule(listener, 1, "a", group, six)).Fails("ValidationError");
        (await Wire.CreateRule(listener, 2, new string('h', 129), group)).Fails("ValidationError");
        (await Wire.CreateRule(listener, 3, "a", group, "Conditions.member.2.Field", "host-header", "Conditions.member.2.Values.member.1", "b")).Fails("ValidationError");
    }

    [Fact]
    public async Task CreateRule_TwoValuesOutsideTheConditionConfig_IsValidationError()
    {
        // AWS (and moto): without PathPatternConfig, Values holds a single path pattern.
        var (_, listener, group) = await Wire.AlbWithListener();
        string[] rule = ["ListenerArn", listener, "Priority", "1", "Conditions.member.1.Field", "path-pattern", "Conditions.member.1.Values.member.1", "/a",
            "Actions.member.1.Type", "forward", "Actions.member.1.TargetGroupArn", group];
        (await Wire.Elb("CreateRule", [.. rule, "Conditions.member.1.Values.member.2", "/b"])).Fails("ValidationError");
        (await Wire.Elb("CreateRule", rule)).Ok();
    }

    [Fact]
    public async Task CreateRule_OnNetworkListener_IsRefused_AndNetworkRedirectIsInvalid()
    {
        var lb = await Wire.CreateLoadBalancer("nlb", "network");
        var tcp = await Wire.CreateTargetGroup("tcp", "TCP");
        var listener = await Wire.CreateListener(lb, 443, tcp, "TCP");
        (await Wire.CreateRule(listener, 1, "a", tcp)).Fails("InvalidConfigurationRequest");
        (await Wire.Elb("CreateListener", "LoadBalancerArn", lb, "Protocol", "TCP", "Port", "80", "DefaultActions.member.1.Type", "redirect",
            "DefaultActions.member.1.RedirectConfig.StatusCode", "HTTP_301")).Fails("InvalidLoadBalancerAction");
    }

    [Fact]
    public async Task ForwardActions_CheckTargetGroups()
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        var tcp = await Wire.CreateTargetGroup("tcp", "TCP");
        (await Wire.CreateRule(listener, 1, "a", tcp)).Fails("IncompatibleProtocols");
        var other = await Wire.AlbWithListener("other");
        (await Wire.CreateRule(listener, 2, "a", other.TargetGroup)).Fails("TargetGroupAssociationLimit");
        (await Wire.CreateRule(listener, 3, "a", "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/nope/0123456789abcdef")).Fails("TargetGroupNotFound");
        var six = Enumerable.Range(1, 6).SelectMany(i => new[] { $"Actions.member.1.ForwardConfig.TargetGroups.member.{i}.TargetGroupArn", group }).ToArray();
        (await Wire.Elb("CreateRule", ["ListenerArn", listener, "Priority", "4", "Conditions.member.1.Field", "path-pattern", "Conditions.member.1.Values.member.1", "/",
            "Actions.member.1.Type", "forward", .. six])).Fails("ValidationError");
        (await Wire.Elb("CreateRule", "ListenerArn", listener, "Priority", "5", "Conditions.member.1.Field", "path-pattern", "Conditions.member.1.Values.member.1", "/",
            "Actions.member.1.Type", "forward", "Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", group,
            "Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "1000")).Fails("ValidationError");
    }

    [Fact]
    public async Task DescribeRules_ShowsStructuredConditions_WeightedForwards_AndTheDefaultRule()
    {
        var (lb, listener, group) = await Wire.AlbWithListener();
        var canary = await Wire.CreateTargetGroup("canary");
        (await Wire.Elb("CreateRule", "ListenerArn", listener, "Priority", "7", "Conditions.member.1.Field", "host-header",
            "Conditions.member.1.HostHeaderConfig.Values.member.1", "shop.example.com", "Conditions.member.2.Field", "http-header",
            "Conditions.member.2.HttpHeaderConfig.HttpHeaderName", "X-Canary", "Conditions.member.2.HttpHeaderConfig.Values.member.1", "on",
            "Actions.member.1.Type", "forward", "Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", group,
            "Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "90", "Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", canary,
            "Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "10")).Ok();
        var rules = (await Wire.Elb("DescribeRules", "ListenerArn", listener)).Ok();
        Assert.Equal(["7", "default"], rules.All("Priority"));
        Assert.Equal(["false", "true"], rules.All("IsDefault"));
        var host = rules.Root.Descendants().First(e => e.Name.LocalName == "HostHeaderConfig");
        Assert.Equal("shop.example.com", host.Value);
        Assert.Contains("X-Canary", rules.All("HttpHeaderName"));
        Assert.Equal(["90", "10", "1"], rules.All("Weight"));
        var described = (await Wire.Elb("DescribeTargetGroups", "TargetGroupArns.member.1", canary)).Ok();
        Assert.Equal(lb, described.One("LoadBalancerArns"));
    }

    [Fact]
    public async Task DefaultRule_CannotBeModifiedOrDeleted()
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        var defaultRule = Aws.LoadBalancers()[0].Listeners[0].Rules.Single(r => r.IsDefault).Arn;
        (await Wire.Elb("DeleteRule", "RuleArn", defaultRule)).Fails("OperationNotPermitted");
        (await Wire.Elb("ModifyRule", "RuleArn", defaultRule, "Actions.member.1.Type", "forward", "Actions.member.1.TargetGroupArn", group)).Fails("OperationNotPermitted");
        Assert.Equal("default", (await Wire.Elb("DescribeRules", "RuleArns.member.1", defaultRule)).Ok().One("Priority"));
        (await Wire.Elb("DeleteRule", "RuleArn", listener.Replace(":listener/", ":listener-rule/") + "/0123456789abcdef")).Fails("RuleNotFound");
    }

    [Fact]
    public async Task SetRulePriorities_IsAtomic_AndSwapsWork()
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        var a = (await Wire.CreateRule(listener, 1, "a", group)).One("RuleArn");
        var b = (await Wire.CreateRule(listener, 2, "b", group)).One("RuleArn");
        (await Wire.Elb("SetRulePriorities", "RulePriorities.member.1.RuleArn", a, "RulePriorities.member.1.Priority", "3",
            "RulePriorities.member.2.RuleArn", b, "RulePriorities.member.2.Priority", "3")).Fails("PriorityInUse");
        Assert.Equal([1, 2, null], Aws.LoadBalancers()[0].Listeners[0].Rules.Select(r => r.Priority));
        (await Wire.Elb("SetRulePriorities", "RulePriorities.member.1.RuleArn", a, "RulePriorities.member.1.Priority", "2",
            "RulePriorities.member.2.RuleArn", b, "RulePriorities.member.2.Priority", "1")).Ok();
        Assert.Equal([b, a], Aws.LoadBalancers()[0].Listeners[0].Rules.Where(r => !r.IsDefault).Select(r => r.Arn));
    }

    [Fact]
    public async Task ModifyRule_ReplacesConditions()
    {
        var (_, listener, group) = await Wire.AlbWithListener();
        var rule = (await Wire.CreateRule(listener, 1, "a.example.com", group)).One("RuleArn");
        (await Wire.Elb("ModifyRule", "RuleArn", rule, "Conditions.member.1.Field", "path-pattern", "Conditions.member.1.PathPatternConfig.Values.member.1", "/api/*")).Ok();
        var stored = Aws.LoadBalancers()[0].Listeners[0].Rules[0];
        var condition = Assert.Single(stored.Conditions);
        Assert.Equal(("path-pattern", "/api/*"), (condition.Field, Assert.Single(condition.Values)));
    }

    [Fact]
    public async Task TargetGroupInUse_CannotBeDeleted_UntilItsLoadBalancerIsGone()
    {
        var (lb, _, group) = await Wire.AlbWithListener();
        (await Wire.Elb("DeleteTargetGroup", "TargetGroupArn", group)).Fails("ResourceInUse");
        (await Wire.Elb("DeleteLoadBalancer", "LoadBalancerArn", lb)).Ok();
        (await Wire.Elb("DeleteLoadBalancer", "LoadBalancerArn", lb)).Ok();
        Assert.Empty((await Wire.Elb("DescribeListeners", "LoadBalancerArn", lb)).All("ListenerArn"));
        (await Wire.Elb("DeleteTargetGroup", "TargetGroupArn", group)).Ok();
        Assert.Empty(Aws.TargetGroups());
    }

    [Fact]
    public async Task DeletionProtection_RefusesDelete()
    {
        var lb = await Wire.CreateLoadBalancer("guarded");
        (await Wire.Elb("ModifyLoadBalancerAttributes", "LoadBalancerArn", lb, "Attributes.member.1.Key", "deletion_protection.enabled", "Attributes.member.1.Value", "true")).Ok();
        (await Wire.Elb("DeleteLoadBalancer", "LoadBalancerArn", lb)).Fails("OperationNotPermitted");
        var attributes = (await Wire.Elb("DescribeLoadBalancerAttributes", "LoadBalancerArn", lb)).Ok();
        Assert.Contains("idle_timeout.timeout_seconds", attributes.All("Key"));
        (await Wire.Elb("ModifyLoadBalancerAttributes", "LoadBalancerArn", lb, "Attributes.member.1.Key", "idle_timeout.timeout_seconds", "Attributes.member.1.Value", "0")).Fails("ValidationError");
    }

    [Fact]
    public async Task CreateTargetGroup_IsIdempotent_AndRefusesADifferentGroupOfTheSameName()
    {
        var arn = await Wire.CreateTargetGroup("api");
        Assert.Equal(arn, await Wire.CreateTargetGroup("api"));
        (await Wire.Elb("CreateTargetGroup", "Name", "api", "Protocol", "HTTP", "Port", "9090", "VpcId", Aws.DefaultVpcId!, "TargetType", "ip")).Fails("DuplicateTargetGroupName");
        (await Wire.Elb("CreateTargetGroup", "Name", "api-", "Protocol", "HTTP", "Port", "9090", "VpcId", Aws.DefaultVpcId!)).Fails("ValidationError");
    }

    [Fact]
    public async Task TargetGroupAttributes_HaveDefaults_AndRefuseUnknownKeys()
    {
        var tcp = await Wire.CreateTargetGroup("tcp", "TCP");
        var attributes = (await Wire.Elb("DescribeTargetGroupAttributes", "TargetGroupArn", tcp)).Ok();
        Assert.Contains("proxy_protocol_v2.enabled", attributes.All("Key"));
        Assert.Contains("deregistration_delay.timeout_seconds", attributes.All("Key"));
        (await Wire.Elb("ModifyTargetGroupAttributes", "TargetGroupArn", tcp, "Attributes.member.1.Key", "proxy_protocol_v2.enabled", "Attributes.member.1.Value", "true")).Ok();
        Assert.Equal("true", Aws.TargetGroups()[0].Attributes["proxy_protocol_v2.enabled"]);
        var http = await Wire.CreateTargetGroup("http");
        (await Wire.Elb("ModifyTargetGroupAttributes", "TargetGroupArn", http, "Attributes.member.1.Key", "proxy_protocol_v2.enabled", "Attributes.member.1.Value", "true")).Fails("ValidationError");
    }

    [Fact]
    public async Task ModifyTargetGroup_ChangesTheHealthCheck()
    {
        var group = await Wire.CreateTargetGroup("hc");
        (await Wire.Elb("ModifyTargetGroup", "TargetGroupArn", group, "HealthCheckPath", "/healthz", "Matcher.HttpCode", "200-299", "HealthCheckIntervalSeconds", "10")).Ok();
        var health = Aws.TargetGroups()[0].HealthCheck;
        Assert.Equal(("/healthz", "200-299", 10), (health.Path, health.HttpCode, health.IntervalSeconds));
        (await Wire.Elb("ModifyTargetGroup", "TargetGroupArn", group, "HealthCheckTimeoutSeconds", "10")).Fails("ValidationError");
    }

    [Fact]
    public async Task RegisterTargets_ChecksAddressesAndPorts_AndReportsHealth()
    {
        var group = await Wire.CreateTargetGroup("pods");
        (await Wire.Elb("RegisterTargets", "TargetGroupArn", group, "Targets.member.1.Id", "not-an-ip")).Fails("ValidationError");
        (await Wire.Elb("RegisterTargets", "TargetGroupArn", group, "Targets.member.1.Id", "192.168.1.1")).Fails("InvalidTarget");
        (await Wire.Elb("RegisterTargets", "TargetGroupArn", group, "Targets.member.1.Id", "10.0.1.5", "Targets.member.1.Port", "0")).Fails("ValidationError");
        (await Wire.Elb("RegisterTargets", "TargetGroupArn", group, "Targets.member.1.Id", "10.0.1.5", "Targets.member.2.Id", "10.0.1.6", "Targets.member.2.Port", "9000")).Ok();
        Aws.SetTargetHealth(group, "10.0.1.6", "unhealthy", "Target.FailedHealthChecks");
        var health = (await Wire.Elb("DescribeTargetHealth", "TargetGroupArn", group)).Ok();
        Assert.Equal(["healthy", "unhealthy"], health.All("State"));
        Assert.Equal(["8080", "9000"], health.All("Port"));
        (await Wire.Elb("DeregisterTargets", "TargetGroupArn", group, "Targets.member.1.Id", "10.0.9.9")).Fails("InvalidTarget");
        var instances = (await Wire.Elb("CreateTargetGroup", "Name", "nodes", "Protocol", "HTTP", "Port", "80", "VpcId", Aws.DefaultVpcId!)).Ok().One("TargetGroupArn");
        (await Wire.Elb("RegisterTargets", "TargetGroupArn", instances, "Targets.member.1.Id", "i-0404")).Fails("InvalidTarget");
        Aws.AddInstance("i-0abc", "ip-10-0-1-7.ec2.internal", "us-east-1a");
        (await Wire.Elb("RegisterTargets", "TargetGroupArn", instances, "Targets.member.1.Id", "i-0abc")).Ok();
    }

    [Fact]
    public async Task Tags_WorkOnEveryKind_AndKeepTheLimits()
    {
        var (lb, listener, group) = await Wire.AlbWithListener();
        var rule = (await Wire.CreateRule(listener, 1, "a", group)).One("RuleArn");
        (await Wire.Elb("AddTags", "ResourceArns.member.1", lb, "ResourceArns.member.2", listener, "ResourceArns.member.3", rule, "ResourceArns.member.4", group,
            "Tags.member.1.Key", "cloudingress.io/cluster", "Tags.member.1.Value", "c1")).Ok();
        var described = (await Wire.Elb("DescribeTags", "ResourceArns.member.1", lb, "ResourceArns.member.2", listener, "ResourceArns.member.3", rule, "ResourceArns.member.4", group)).Ok();
        Assert.Equal(4, described.All("Value").Count(v => v == "c1"));
        var many = Enumerable.Range(1, 21).SelectMany(i => new[] { $"ResourceArns.member.{i}", lb }).ToArray();
        (await Wire.Elb("DescribeTags", many)).Fails("ValidationError");
        (await Wire.Elb("AddTags", "ResourceArns.member.1", lb, "Tags.member.1.Key", "aws:reserved", "Tags.member.1.Value", "x")).Fails("ValidationError");
        var fifty = Enumerable.Range(1, 50).SelectMany(i => new[] { $"Tags.member.{i}.Key", $"k{i}", $"Tags.member.{i}.Value", "v" }).ToArray();
        (await Wire.Elb("AddTags", ["ResourceArns.member.1", lb, .. fifty])).Fails("TooManyTags");
        (await Wire.Elb("RemoveTags", "ResourceArns.member.1", lb, "TagKeys.member.1", "cloudingress.io/cluster")).Ok();
        Assert.Empty(Aws.LoadBalancers()[0].Tags);
        (await Wire.Elb("DescribeTags", "ResourceArns.member.1", lb + "0")).Fails("LoadBalancerNotFound");
    }

    [Fact]
    public async Task Describes_ArePaged_AndClientsMustFollowMarkers()
    {
        for (var i = 0; i < 25; i++)
        {
            await Wire.CreateTargetGroup($"tg-{i}");
        }

        var first = (await Wire.Elb("DescribeTargetGroups")).Ok();
        Assert.Equal(20, first.All("TargetGroupName").Count());
        var second = (await Wire.Elb("DescribeTargetGroups", "Marker", first.One("NextMarker"))).Ok();
        Assert.Equal(5, second.All("TargetGroupName").Count());
        Assert.Empty(second.All("NextMarker"));
        var small = (await Wire.Elb("DescribeTargetGroups", "PageSize", "10")).Ok();
        Assert.Equal(10, small.All("TargetGroupName").Count());
        (await Wire.Elb("DescribeTargetGroups", "Marker", "bogus")).Fails("ValidationError");
    }

    [Fact]
    public async Task SetSecurityGroups_NeedsExistingGroups()
    {
        var lb = await Wire.CreateLoadBalancer("sg");
        (await Wire.Elb("SetSecurityGroups", "LoadBalancerArn", lb, "SecurityGroups.member.1", "sg-404")).Fails("InvalidSecurityGroup");
        var group = Aws.SecurityGroups()[0].Id;
        Assert.Equal(group, (await Wire.Elb("SetSecurityGroups", "LoadBalancerArn", lb, "SecurityGroups.member.1", group)).Ok().One("member"));
    }
}
