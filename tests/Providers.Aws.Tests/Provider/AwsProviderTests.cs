using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Naming;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>The provider against the strict emulator over 127.0.0.1: what it creates, what it changes, and what it never does twice.</summary>
public sealed class AwsProviderTests
{
    private static readonly string Shop = Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"))}]",
        tls: "[{hosts: [shop.example.com], secretName: app-tls}]");

    [Fact]
    public async Task Apply_CreatesTheAlb_AndReturnsItsDnsNameForEveryMember()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var result = await bed.ApplyAsync(Build(Shop));

        var lb = Assert.Single(bed.Emulator!.LoadBalancers());
        Assert.Equal("application", lb.Type);
        Assert.Equal(3, lb.Subnets.Count);
        Assert.Equal([lb.DnsName], result.Addresses["ingress/default"]);
        Assert.Equal(lb.DnsName, result.MemberAddresses[new Core.Diagnostics.ObjectRef("Ingress", "default", "shop")]);
        Assert.Equal([80, 443], lb.Listeners.Select(l => l.Port).Order());
        var https = lb.Listeners.Single(l => l.Port == 443);
        Assert.Equal(2, https.Rules.Count(r => !r.IsDefault));
        var certificate = Assert.Single(bed.Emulator.Certificates(), c => c.Imported);
        Assert.Equal(https.Certificates[0], certificate.Arn);
        Assert.Equal(result.Plan.Certificates.Single().Sha256, certificate.Tags[InventoryReader.Sha256Tag], ignoreCase: true);
        Assert.Equal(2, bed.Emulator.TargetGroups().Count);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], bed.Emulator.TargetGroups().Single(t => t.Targets.Count == 2).Targets.Select(t => t.Id).Order());
        Assert.Equal("true", lb.Attributes["routing.http.drop_invalid_header_fields.enabled"]);
        var sg = Assert.Single(bed.Emulator.SecurityGroups(), g => g.Tags.ContainsKey(AwsTags.Cluster));
        Assert.Equal([sg.Id], lb.SecurityGroups);
        Assert.All(bed.Owned(), arn => Assert.Equal(bed.Cluster, bed.Emulator.AllTags()[arn][AwsTags.Cluster]));
    }

    [Fact]
    public async Task SecondApply_OfTheSameModel_MakesNoMutatingCall()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var model = Build(Shop + Ingress("other", $"[{Rule("other.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: other"));
        await bed.ApplyAsync(model);

        var before = bed.Emulator!.MutatingCalls;
        var second = await bed.ApplyAsync(model);
        Assert.Equal(before, bed.Emulator.MutatingCalls);
        Assert.Empty(second.Executed);
    }

    [Fact]
    public async Task OneNewPath_IsOneCreateRulePerListener()
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Build(Shop));
        var before = bed.Emulator!.MutatingCalls;

        var changed = Shop.Replace("(\"/api\"", "(\"/api\"", StringComparison.Ordinal)
            .Replace("{path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}",
                "{path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}, {path: /admin, pathType: Exact, backend: {service: {name: api, port: {number: 80}}}}",
                StringComparison.Ordinal);
        var result = await bed.ApplyAsync(Build(changed));

        Assert.Equal(["CreateRule", "CreateRule"], result.Executed.Select(o => o.Call));
        Assert.Equal(before + 2, bed.Emulator.MutatingCalls);
    }

    [Fact]
    public async Task ChangedBackendOfOnePath_IsOneModifyRulePerListener()
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Build(Shop));
        var changed = Shop.Replace("{path: /api, pathType: Prefix, backend: {service: {name: api,", "{path: /api, pathType: Prefix, backend: {service: {name: web,", StringComparison.Ordinal);

        var result = await bed.ApplyAsync(Build(changed));

        // Both listeners' /api rules move to web's group; api's group has no user left and goes.
        Assert.Equal(["ModifyRule", "ModifyRule", "DeleteTargetGroup"], result.Executed.Select(o => o.Call));
        Assert.Single(bed.Emulator!.TargetGroups());
    }

    [Fact]
    public async Task ChangedSecret_IsReimportedUnderTheSameArn()
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Build(Shop));
        var arn = bed.Emulator!.Certificates().Single(c => c.Imported).Arn;

        var result = await bed.ApplyAsync(Build(Shop.Replace("secretName: app-tls", "secretName: wild-tls", StringComparison.Ordinal)));

        // Another Secret is another import; the old copy goes once no listener uses it.
        Assert.Contains(result.Executed, o => o is ImportCertificate { ExistingArn: null });
        Assert.Contains(result.Executed, o => o is DeleteCertificate d && d.Arn == arn);
        Assert.Single(bed.Emulator.Certificates(), c => c.Imported);
    }

    [Fact]
    public async Task NewEndpoint_IsOneRegisterTargets()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var model = Build(Shop);
        await bed.ApplyAsync(model);
        var pool = model.Backends.Single(b => b.Service.Name == "web");
        var grown = model with { Backends = [.. model.Backends.Select(b => b == pool ? b with { Endpoints = [.. b.Endpoints, new BackendEndpoint("10.0.0.9", 8080)] } : b)] };

        var result = await bed.ApplyAsync(grown);

        var register = Assert.IsType<RegisterTargets>(Assert.Single(result.Executed));
        Assert.Equal([new Plan.TargetSpec("10.0.0.9", 8080)], register.Targets);
    }

    [Fact]
    public async Task RemovedGroup_IsCollected_AndOtherClustersAreNeverTouched()
    {
        await using var bed = await AwsTestbed.StartAsync(cluster: "mine");
        var neighbour = new AwsProvider(bed.Clients, new AwsProviderOptions { ClusterName = "theirs" });
        await neighbour.ApplyAsync(Build(Ingress("theirs", $"[{Rule("theirs.example.com", ("/", "Prefix", "web"))}]")), fullResync: true, CancellationToken.None);
        var theirs = bed.Emulator!.AllTags().Where(t => AwsTags.OwnedBy(t.Value, "theirs")).Select(t => t.Key).ToList();

        await bed.ApplyAsync(Build(Shop + Ingress("other", $"[{Rule("other.example.com", ("/", "Prefix", "api"))}]", "cloudingress.io/group: other")));
        Assert.Equal(2, bed.Emulator.LoadBalancers().Count(l => AwsTags.OwnedBy(l.Tags, "mine")));
        await bed.ApplyAsync(Build(Shop));

        Assert.Single(bed.Emulator.LoadBalancers(), l => AwsTags.OwnedBy(l.Tags, "mine"));
        Assert.Equal(2, bed.Emulator.TargetGroups().Count(t => AwsTags.OwnedBy(t.Tags, "mine")));
        Assert.Single(bed.Emulator.SecurityGroups(), g => AwsTags.OwnedBy(g.Tags, "mine"));

        await bed.Provider.DestroyAsync(CancellationToken.None);
        Assert.Empty(bed.Owned());
        Assert.Equal(theirs, bed.Emulator.AllTags().Where(t => AwsTags.OwnedBy(t.Value, "theirs")).Select(t => t.Key).ToList());
    }

    [Fact]
    public async Task GroupOverTheRuleQuota_IsSplit_AndAcceptedByTheStrictEmulator()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var yaml = string.Concat(Enumerable.Range(0, 130).Select(i =>
            Ingress($"app{i:D3}", $"[{Rule($"app{i:D3}.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: big")));

        var result = await bed.ApplyAsync(Build(yaml));

        var lbs = bed.Emulator!.LoadBalancers();
        Assert.Equal(2, lbs.Count);
        Assert.Equal([30, 100], lbs.Select(l => l.Listeners.Single().Rules.Count(r => !r.IsDefault)).Order());
        Assert.Equal(2, result.Addresses["ingress/big"].Count);
        Assert.Equal(130, result.MemberAddresses.Count);
        Assert.Equal(2, result.MemberAddresses.Values.Distinct().Count());
        var before = bed.Emulator.MutatingCalls;
        await bed.ApplyAsync(Build(yaml));
        Assert.Equal(before, bed.Emulator.MutatingCalls);
    }

    [Fact]
    public async Task PassthroughAndServices_BecomeNlbs()
    {
        await using var bed = await AwsTestbed.StartAsync();
        const string Service = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default, annotations: {cloudingress.io/proxy-protocol: v2}}
            spec:
              type: LoadBalancer
              loadBalancerClass: cloudingress.io/lb
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---

            """;
        var model = Build(Service.Replace("name: web", "name: edge", StringComparison.Ordinal).Replace("{name: http, port: 80, targetPort: 8080}", "{name: tcp, port: 7000, targetPort: 8080}", StringComparison.Ordinal) +
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: edge-1, namespace: default, labels: {kubernetes.io/service-name: edge}}
            addressType: IPv4
            ports: [{name: tcp, port: 8080}]
            endpoints: [{addresses: [10.0.3.3]}]
            ---

            """ +
            Ingress("secure", $"[{Rule("secure.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough"));

        await bed.ApplyAsync(model);

        var nlbs = bed.Emulator!.LoadBalancers().Where(l => l.Type == "network").ToList();
        Assert.Equal(2, nlbs.Count);
        Assert.DoesNotContain(bed.Emulator.LoadBalancers(), l => l.Type == "application");
        Assert.Contains(nlbs, l => l.Listeners.Single() is { Protocol: "TCP", Port: 443 });
        Assert.Contains(nlbs, l => l.Listeners.Single() is { Protocol: "TCP", Port: 7000 });
        Assert.Contains(bed.Emulator.TargetGroups(), t => t.Attributes["proxy_protocol_v2.enabled"] == "true" && t.Targets.Single().Id == "10.0.3.3");
        var before = bed.Emulator.MutatingCalls;
        await bed.ApplyAsync(model);
        Assert.Equal(before, bed.Emulator.MutatingCalls);
    }

    [Fact]
    public async Task LoadBalancerLeftWithoutAMemberRoute_IsDeleted_AndTheNlbBesideItUntouched()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var secure = Ingress("secure", $"[{Rule("secure.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough", created: "2026-01-02T00:00:00Z");
        await bed.ApplyAsync(Build(Shop + secure));
        Assert.Equal(["application", "network"], bed.Emulator!.LoadBalancers().Select(l => l.Type).Order(StringComparer.Ordinal));
        var nlb = bed.Emulator.LoadBalancers().Single(l => l.Type == "network");
        var (_, planned) = await bed.Provider.PlanAsync(Build(secure), CancellationToken.None);
        Assert.Equal("alb/ingress/default", Assert.IsType<DeleteLoadBalancer>(Assert.Single(planned, o => o is DeleteLoadBalancer)).Key);

        var result = await bed.ApplyAsync(Build(secure));

        Assert.Equal([nlb.Arn], bed.Emulator.LoadBalancers().Select(l => l.Arn));
        Assert.Contains(result.Executed, o => o is DeleteLoadBalancer);
        Assert.DoesNotContain(result.Executed, o => o.Verb == '+' || o.Subject.Contains("nlb/", StringComparison.Ordinal));
        Assert.Equal(nlb.DnsName, result.MemberAddresses[new Core.Diagnostics.ObjectRef("Ingress", "default", "secure")]);
        Assert.DoesNotContain(bed.Emulator.Certificates(), c => c.Imported);
        Assert.Single(bed.Emulator.SecurityGroups(), g => AwsTags.OwnedBy(g.Tags, bed.Cluster));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AcceptanceCycle_OfTheLiveSuite_HoldsAgainstTheEmulator(bool incremental)
    {
        await using var bed = await AwsTestbed.StartAsync();
        await LiveCycle.RunAsync(bed, incremental);
        Assert.Empty(bed.Owned());
    }

    [Fact]
    public async Task InstanceTargets_AreTheNodesOfTheEndpoints_ByPrivateDnsName()
    {
        await using var bed = await AwsTestbed.StartAsync();
        bed.Emulator!.AddInstance("i-0aaa", "ip-10-0-1-10.ec2.internal", "us-east-1a");
        bed.Emulator.AddInstance("i-0bbb", "ip-10-0-2-10.ec2.internal", "us-east-1b");
        var model = Build("""
            apiVersion: v1
            kind: Service
            metadata: {name: np, namespace: default}
            spec: {type: NodePort, ports: [{name: http, port: 80, nodePort: 30080}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: np-1, namespace: default, labels: {kubernetes.io/service-name: np}}
            addressType: IPv4
            ports: [{name: http, port: 8080}]
            endpoints:
              - {addresses: [10.0.1.5], nodeName: ip-10-0-1-10.ec2.internal}
              - {addresses: [10.0.1.6], nodeName: ip-10-0-1-10.ec2.internal}
              - {addresses: [10.0.2.5], nodeName: ip-10-0-2-10.ec2.internal}
            ---

            """ + Ingress("np", $"[{Rule("np.example.com", ("/", "Prefix", "np"))}]", "alb.ingress.kubernetes.io/target-type: instance"));

        await bed.ApplyAsync(model);

        var tg = Assert.Single(bed.Emulator.TargetGroups());
        Assert.Equal(("instance", 30080), (tg.TargetType, tg.Port));
        Assert.Equal(["i-0aaa:30080", "i-0bbb:30080"], tg.Targets.Select(t => $"{t.Id}:{t.Port}").Order(StringComparer.Ordinal));
        var before = bed.Emulator.MutatingCalls;
        Assert.Empty((await bed.ApplyAsync(model)).Executed);
        Assert.Equal(before, bed.Emulator.MutatingCalls);
    }

    [Fact]
    public async Task DiscoveredCertificate_IsUsedWhenTheIngressBringsNone()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var wildcard = bed.Emulator!.AddIssuedCertificate("*.example.com");
        var exact = bed.Emulator.AddIssuedCertificate("shop.example.com", "www.example.com");

        await bed.ApplyAsync(Build(Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"))}]", tls: "[{hosts: [shop.example.com]}]")));

        var https = bed.Emulator.LoadBalancers().Single().Listeners.Single(l => l.Port == 443);
        Assert.Equal([exact], https.Certificates);
        Assert.NotEqual(wildcard, exact);
        Assert.DoesNotContain(bed.Emulator.Certificates(), c => c.Imported);
    }

    [Fact]
    public async Task ThrottlingBurstsAndLostAnswers_StillConverge_WithoutDuplicates()
    {
        await using var bed = await AwsTestbed.StartAsync();
        bed.Emulator!.Faults.ThrottleNext(7, "elasticloadbalancing");
        bed.Emulator.Faults.FailNext(1, 500, "acm", "ImportCertificate", afterCommit: true);
        bed.Emulator.Faults.FailNext(1, 500, "elasticloadbalancing", "CreateRule", afterCommit: true);
        bed.Emulator.Faults.FailNext(1, 500, "ec2", "CreateSecurityGroup", afterCommit: true);
        bed.Emulator.Faults.FailNext(2, 503, "elasticloadbalancing", "CreateTargetGroup");

        await bed.ApplyAsync(Build(Shop));

        Assert.Single(bed.Emulator.Certificates(), c => c.Imported);
        Assert.Single(bed.Emulator.SecurityGroups(), g => g.Tags.ContainsKey(AwsTags.Cluster));
        Assert.Equal(2, bed.Emulator.LoadBalancers().Single().Listeners.Single(l => l.Port == 443).Rules.Count(r => !r.IsDefault));
        Assert.True(bed.Clients.Calls["elasticloadbalancing:DescribeLoadBalancers"] >= 1);
        var before = bed.Emulator.MutatingCalls;
        Assert.Empty((await bed.ApplyAsync(Build(Shop))).Executed);
        Assert.Equal(before, bed.Emulator.MutatingCalls);
    }
}
