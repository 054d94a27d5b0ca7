using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Translate;

public sealed class AwsTranslatorTests
{
    private static readonly AwsTranslateOptions Options = new() { ClusterName = "prod" };

    private static AwsPlan Translate(string yaml, AwsTranslateOptions? options = null) => AwsTranslator.Translate(Build(yaml), options ?? Options);

    [Fact]
    public void Offload_HostAndPrefix_BecomeAnAlbRuleForwardingToAnIpTargetGroup()
    {
        var plan = Translate(Ingress("shop", $"[{Rule("shop.example.com", ("/api", "Prefix", "web"))}]"));

        var lb = Assert.Single(plan.LoadBalancers);
        Assert.Equal(LoadBalancerType.Application, lb.Type);
        Assert.Equal("internet-facing", lb.Scheme);
        Assert.True(AwsNames.IsValid(lb.Name), lb.Name);
        Assert.Equal([new ObjectRef("Ingress", "default", "shop")], lb.Members);
        var listener = Assert.Single(lb.Listeners);
        Assert.Equal(("HTTP", 80), (listener.Protocol, listener.Port));
        Assert.Equal(ActionSpec.Fixed(404), listener.DefaultAction);
        var rule = Assert.Single(listener.Rules);
        Assert.Equal(["host-header=shop.example.com", "path-pattern=/api|/api/*"], rule.Conditions.Select(c => c.ToString()));
        var tg = Assert.Single(plan.TargetGroups);
        Assert.Equal(ActionSpec.ForwardTo([new ForwardTarget(tg.Key, 1)]), Assert.Single(rule.Actions));
        Assert.Equal(("HTTP", "HTTP1", "ip", 80), (tg.Protocol, tg.ProtocolVersion, tg.TargetType, tg.Port));
        Assert.Equal([new TargetSpec("10.0.0.1", 8080), new TargetSpec("10.0.0.2", 8080)], tg.Targets);
        Assert.Equal(lb.Key, tg.LoadBalancerKey);
        Assert.True(AwsNames.IsValid(tg.Name), tg.Name);
        var sg = Assert.Single(plan.SecurityGroups);
        Assert.Equal(lb.SecurityGroupKey, sg.Key);
        Assert.Equal([new Aws.Clients.Ec2Permission("tcp", 80, 80, "0.0.0.0/0")], sg.Ingress);
        Assert.DoesNotContain(plan.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Rules_FollowKubernetesPrecedence_ExactHostsThenWildcardsThenAny_LongestPathFirst()
    {
        var plan = Translate(Ingress("a", $"[{Rule("*.example.com", ("/", "Prefix", "web"))}, {Rule("", ("/", "Prefix", "web"))}, " +
            $"{Rule("app.example.com", ("/", "Prefix", "web"), ("/v1/users", "Exact", "web"), ("/v1", "Prefix", "web"))}]"));

        var rules = plan.LoadBalancers.Single().Listeners.Single().Rules.Select(r => string.Join(" & ", r.Conditions)).ToList();
        Assert.Equal(
        [
            "host-header=app.example.com & path-pattern=/v1/users",
            "host-header=app.example.com & path-pattern=/v1|/v1/*",
            "host-header=app.example.com",
            "host-header=*.example.com",
            "path-pattern=/*",
        ], rules);
    }

    [Fact]
    public void ExactHost_WithoutCatchAll_GetsAClosingRule_SoItsUnmatchedPathsDoNotFallToTheWildcard()
    {
        var plan = Translate(Ingress("a", $"[{Rule("*.example.com", ("/", "Prefix", "api"))}, {Rule("app.example.com", ("/only", "Exact", "web"))}]"));

        var rules = plan.LoadBalancers.Single().Listeners.Single().Rules;
        Assert.Equal(3, rules.Count);
        Assert.Equal("host-header=app.example.com", string.Join(" & ", rules[1].Conditions));
        Assert.Equal(ActionSpec.Fixed(404), rules[1].Actions.Single());
    }

    [Fact]
    public void TlsSecret_IsImportedIntoAcm_AndSslRedirectIsTheHttpListenersDefault()
    {
        var plan = Translate(Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/ssl-redirect: \"true\"",
            "[{hosts: [app.example.com], secretName: app-tls}]"));

        var lb = plan.LoadBalancers.Single();
        var http = lb.Listeners.Single(l => l.Port == 80);
        Assert.Equal(ActionSpec.Redirect("HTTPS", 443), http.DefaultAction);
        Assert.Empty(http.Rules);
        var https = lb.Listeners.Single(l => l.Port == 443);
        Assert.Equal("HTTPS", https.Protocol);
        Assert.Equal("ELBSecurityPolicy-TLS13-1-2-2021-06", https.SslPolicy);
        var import = Assert.Single(plan.Certificates);
        Assert.Equal([CertificateRef.ForImport(import.Key)], https.Certificates);
        Assert.Equal(64, import.Sha256.Length);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", import.CertificatePem, StringComparison.Ordinal);
        Assert.Single(import.CertificatePem.Split("BEGIN CERTIFICATE").Skip(1));
        Assert.Contains("BEGIN CERTIFICATE", import.ChainPem, StringComparison.Ordinal);
        Assert.Equal("(redacted)", import.PrivateKeyPem.ToString());
        Assert.Single(https.Rules);
        Assert.Equal([new Aws.Clients.Ec2Permission("tcp", 80, 80, "0.0.0.0/0"), new Aws.Clients.Ec2Permission("tcp", 443, 443, "0.0.0.0/0")], plan.SecurityGroups.Single().Ingress);
    }

    [Fact]
    public void CertificateArnAnnotation_IsUsedAsIs_AndNothingIsImported()
    {
        const string Arn = "arn:aws:acm:us-east-1:000000000000:certificate/11111111-2222-3333-4444-555555555555";
        var plan = Translate(Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]", $"alb.ingress.kubernetes.io/certificate-arn: \"{Arn}\""));

        var https = plan.LoadBalancers.Single().Listeners.Single(l => l.Port == 443);
        Assert.Equal([CertificateRef.ForArn(Arn)], https.Certificates);
        Assert.Empty(plan.Certificates);
    }

    [Fact]
    public void Discovery_PrefersAnExactName_ThenTheLongestValid_ThenTheLowestArn()
    {
        var soon = DateTimeOffset.Parse("2027-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var later = soon.AddYears(1);
        var available = new AvailableCertificate[]
        {
            new("arn:wild", ["*.example.com"], later),
            new("arn:exact-b", ["other.example.com", "app.example.com"], soon),
            new("arn:exact-a", ["app.example.com"], soon),
            new("arn:exact-late", ["app.example.com"], later),
        };
        Assert.Equal("arn:exact-late", CertificateSelection.Discover("app.example.com", available)!.Arn);
        Assert.Equal("arn:exact-a", CertificateSelection.Discover("app.example.com", available[..3])!.Arn);
        Assert.Equal("arn:wild", CertificateSelection.Discover("new.example.com", available)!.Arn);
        Assert.Null(CertificateSelection.Discover("a.b.example.com", available));
        Assert.Null(CertificateSelection.Discover("example.com", available));

        var yaml = Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: offload", "[{hosts: [app.example.com]}]");
        var plan = Translate(yaml, Options with { AcmCertificates = available });
        Assert.Equal([CertificateRef.ForArn("arn:exact-late")], plan.LoadBalancers.Single().Listeners.Single(l => l.Port == 443).Certificates);
    }

    [Fact]
    public void HttpsWithoutAnyCertificate_IsReported_AndTheListenerLeftOut()
    {
        var plan = Translate(Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]", tls: "[{hosts: [app.example.com]}]"));

        Assert.Contains(plan.Diagnostics, d => d.Code == Core.Diagnostics.DiagnosticCodes.CertificateNotFound && d.Object.Name == "a");
        Assert.Equal([80], plan.LoadBalancers.Single().Listeners.Select(l => l.Port));
    }

    [Fact]
    public void Canary_ByHeaderAndWeight_BecomesHeaderRulesThenAWeightedForward()
    {
        var plan = Translate(Ingress("main", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]") +
            Ingress("main-canary", $"[{Rule("app.example.com", ("/", "Prefix", "api"))}]",
                "cloudingress.io/canary: \"true\", cloudingress.io/canary-weight: \"20\", cloudingress.io/canary-by-header: X-Canary", created: "2026-01-02T00:00:00Z"));

        var rules = plan.LoadBalancers.Single().Listeners.Single().Rules;
        var primary = plan.TargetGroups.Single(t => t.PoolId.StartsWith("default/web", StringComparison.Ordinal)).Key;
        var canary = plan.TargetGroups.Single(t => t.PoolId.StartsWith("default/api", StringComparison.Ordinal)).Key;
        Assert.Equal(3, rules.Count);
        Assert.Contains("http-header:X-Canary=always", rules[0].Conditions.Select(c => c.ToString()));
        Assert.Equal(ActionSpec.ForwardTo([new ForwardTarget(canary, 1)]), rules[0].Actions.Single());
        Assert.Contains("http-header:X-Canary=never", rules[1].Conditions.Select(c => c.ToString()));
        Assert.Equal(ActionSpec.ForwardTo([new ForwardTarget(primary, 1)]), rules[1].Actions.Single());
        Assert.Equal(ActionSpec.ForwardTo([new ForwardTarget(primary, 80), new ForwardTarget(canary, 20)]), rules[2].Actions.Single());
    }

    [Fact]
    public void Passthrough_BecomesAnNlbTcpListener_AndASecondHostOnThePortIsRefused()
    {
        var plan = Translate(
            Ingress("first", $"[{Rule("a.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough") +
            Ingress("second", $"[{Rule("b.example.com", ("/", "Prefix", "api"))}]", "cloudingress.io/tls-mode: passthrough", created: "2026-01-02T00:00:00Z"));

        var nlb = plan.LoadBalancers.Single(l => l.Type == LoadBalancerType.Network);
        var listener = Assert.Single(nlb.Listeners);
        Assert.Equal(("TCP", 443), (listener.Protocol, listener.Port));
        var tg = plan.TargetGroups.Single(t => t.Key == listener.DefaultAction.Forward.Single().TargetGroup);
        Assert.Equal(("TCP", null, "ip"), (tg.Protocol, tg.ProtocolVersion, tg.TargetType));
        Assert.Equal("TCP", tg.HealthCheck.Protocol);
        Assert.Equal("false", tg.Attributes["proxy_protocol_v2.enabled"]);
        Assert.Equal([new ObjectRef("Ingress", "default", "first")], nlb.Members);
        Assert.Contains(plan.Diagnostics, d => d.Code == Core.Diagnostics.DiagnosticCodes.PassthroughListenerConflict && d.Object.Name == "second");
        Assert.DoesNotContain(plan.LoadBalancers, l => l.Type == LoadBalancerType.Application && l.Members.Any(m => m.Name == "first"));
        Assert.Single(plan.LoadBalancers);
    }

    [Fact]
    public void NoPlan_HoldsALoadBalancerWithoutAMemberRoute()
    {
        // Every shape of group the translate tests know: passthrough alone, refused, beside offload, Services, defaults.
        var yaml = Ingress("pt", $"[{Rule("pt.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough, cloudingress.io/ssl-redirect: \"true\"") +
            Ingress("pt2", $"[{Rule("pt2.example.com", ("/", "Prefix", "api"))}]", "cloudingress.io/tls-mode: passthrough", created: "2026-01-02T00:00:00Z") +
            Ingress("mixed-pt", $"[{Rule("m.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough, cloudingress.io/group: mixed") +
            Ingress("mixed-web", $"[{Rule("w.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: mixed", tls: "[{hosts: [w.example.com], secretName: app-tls}]");
        var plan = Translate(yaml);

        Assert.All(plan.LoadBalancers, lb =>
        {
            Assert.NotEmpty(lb.Members);
            Assert.Contains(lb.Listeners, l => l.Rules.Count > 0 || l.DefaultAction != ActionSpec.Fixed(404));
        });
        Assert.Equal(["Application:mixed-web", "Network:mixed-pt", "Network:pt"],
            plan.LoadBalancers.SelectMany(l => l.Members.Select(m => $"{l.Type}:{m.Name}")).Order(StringComparer.Ordinal));
        Assert.All(plan.Certificates, c => Assert.Contains(plan.LoadBalancers, l => l.Listeners.Any(x => x.Certificates.Contains(CertificateRef.ForImport(c.Key)))));
    }

    [Fact]
    public void LoadBalancerService_BecomesAnNlbPerPort_WithProxyProtocolAndSourceRanges()
    {
        const string Yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: dns
              namespace: default
              annotations: {cloudingress.io/proxy-protocol: v2, cloudingress.io/scheme: internal}
            spec:
              type: LoadBalancer
              loadBalancerClass: cloudingress.io/lb
              loadBalancerSourceRanges: [10.1.0.0/16, 192.168.0.0/24]
              ports: [{name: tcp, port: 53, protocol: TCP, targetPort: 5353}, {name: udp, port: 53, protocol: UDP, targetPort: 5353}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: dns-1, namespace: default, labels: {kubernetes.io/service-name: dns}}
            addressType: IPv4
            ports: [{name: tcp, port: 5353, protocol: TCP}, {name: udp, port: 5353, protocol: UDP}]
            endpoints: [{addresses: [10.0.5.1]}]
            """;
        var plan = Translate(Yaml);

        var nlb = Assert.Single(plan.LoadBalancers);
        Assert.Equal((LoadBalancerType.Network, "internal"), (nlb.Type, nlb.Scheme));
        Assert.Equal(["TCP:53", "UDP:53"], nlb.Listeners.Select(l => $"{l.Protocol}:{l.Port}").Order(StringComparer.Ordinal));
        Assert.All(plan.TargetGroups, t => Assert.Equal("true", t.Attributes["proxy_protocol_v2.enabled"]));
        Assert.Equal(["TCP", "UDP"], plan.TargetGroups.Select(t => t.Protocol).Order(StringComparer.Ordinal));
        Assert.All(plan.TargetGroups, t => Assert.Equal([new TargetSpec("10.0.5.1", 5353)], t.Targets));
        Assert.Equal(
            ["tcp/53 from 10.1.0.0/16", "tcp/53 from 192.168.0.0/24", "udp/53 from 10.1.0.0/16", "udp/53 from 192.168.0.0/24"],
            plan.SecurityGroups.Single().Ingress.Select(p => p.ToString()));
    }

    [Fact]
    public void GroupPastTheRuleQuota_IsSplitWholeIngressesAtATime_Deterministically()
    {
        var yaml = string.Concat(Enumerable.Range(0, 150).Select(i =>
            Ingress($"app{i:D3}", $"[{Rule($"app{i:D3}.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: big")));
        var plan = Translate(yaml);

        var albs = plan.LoadBalancers.Where(l => l.Type == LoadBalancerType.Application).ToList();
        Assert.Equal(2, albs.Count);
        Assert.Equal([100, 50], albs.Select(l => l.Listeners.Single().Rules.Count));
        Assert.Equal(150, albs.SelectMany(l => l.Members).Distinct().Count());
        Assert.All(albs, lb => Assert.All(lb.Listeners.Single().Rules, r =>
            Assert.Contains(lb.Members, m => r.Conditions.Any(c => c.Values.Contains($"{m.Name}.example.com")))));
        Assert.Contains(plan.Diagnostics, d => d.Code == Core.Diagnostics.DiagnosticCodes.LoadBalancerSharded);
        Assert.Equal(albs.Select(l => l.Key), Translate(yaml).LoadBalancers.Where(l => l.Type == LoadBalancerType.Application).Select(l => l.Key));
        Assert.All(plan.TargetGroups, t => Assert.Contains(albs, l => l.Key == t.LoadBalancerKey));
        Assert.Equal(2, plan.TargetGroups.Count);
    }

    [Fact]
    public void IngressesSharingAHost_StayTogetherWhenSharded()
    {
        var yaml = string.Concat(Enumerable.Range(0, 60).Select(i =>
            Ingress($"a{i:D2}", $"[{Rule("shared.example.com", ($"/p{i:D2}", "Prefix", "web"))}]", "cloudingress.io/group: g"))) +
            string.Concat(Enumerable.Range(0, 60).Select(i =>
            Ingress($"b{i:D2}", $"[{Rule($"b{i:D2}.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: g")));
        var plan = Translate(yaml, Options with { MaxRulesPerLoadBalancer = 100 });

        var holder = plan.LoadBalancers.Where(l => l.Members.Any(m => m.Name.StartsWith('a'))).ToList();
        Assert.Single(holder);
        Assert.Equal(60, holder[0].Members.Count(m => m.Name.StartsWith('a')));
    }

    [Fact]
    public void OneIngressAloneOverTheQuota_IsReported_AndTheExcessLeftOut()
    {
        var paths = Enumerable.Range(0, 12).Select(i => ($"/p{i:D2}", "Prefix", "web")).ToArray();
        var plan = Translate(Ingress("huge", $"[{Rule("h.example.com", paths)}]"), Options with { MaxRulesPerLoadBalancer = 10 });

        Assert.Contains(plan.Diagnostics, d => d.Code == Core.Diagnostics.DiagnosticCodes.ProviderQuotaExceeded && d.Object.Name == "huge");
        Assert.Equal(10, plan.LoadBalancers.Single().Listeners.Single().Rules.Count);
    }

    [Fact]
    public void BasicAuthAndRewrite_FailClosedWith503_NeverFallingThroughToABroaderRoute()
    {
        const string Htpasswd = """
            apiVersion: v1
            kind: Secret
            metadata: {name: users, namespace: default}
            stringData: {auth: "alice:{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs="}
            ---

            """;
        var plan = Translate(Htpasswd +
            Ingress("open", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]") +
            Ingress("admin", $"[{Rule("app.example.com", ("/admin", "Prefix", "api"))}]", "cloudingress.io/auth-type: basic, cloudingress.io/auth-secret: users"));

        var rules = plan.LoadBalancers.Single().Listeners.Single().Rules;
        Assert.Equal(ActionSpec.Fixed(503), rules[0].Actions.Single());
        Assert.Contains("path-pattern=/admin|/admin/*", rules[0].Conditions.Select(c => c.ToString()));
        Assert.Contains(plan.Diagnostics, d => d.Code == Core.Diagnostics.DiagnosticCodes.ProviderUnsupported && d.Object.Name == "admin");
    }

    [Fact]
    public void NarrowerAllowList_AddsASourceIpCondition_AndA403ForEveryoneElse()
    {
        var plan = Translate(
            Ingress("open", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]") +
            Ingress("ops", $"[{Rule("app.example.com", ("/ops", "Prefix", "api"))}]", "cloudingress.io/whitelist-source-range: \"10.0.0.0/8\""));

        var rules = plan.LoadBalancers.Single().Listeners.Single().Rules;
        Assert.Contains("source-ip=10.0.0.0/8", rules[0].Conditions.Select(c => c.ToString()));
        Assert.Equal(rules[0].Conditions.Where(c => c.Field != "source-ip"), rules[1].Conditions);
        Assert.Equal(ActionSpec.Fixed(403), rules[1].Actions.Single());
        Assert.Equal("0.0.0.0/0", plan.SecurityGroups.Single().Ingress.Single().Cidr);
    }

    [Fact]
    public void AllowListOnEveryRoute_IsTheSecurityGroup_AndNeedsNoConditions()
    {
        var plan = Translate(Ingress("ops", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]", "alb.ingress.kubernetes.io/inbound-cidrs: \"10.0.0.0/8,172.16.0.0/12\""));

        Assert.DoesNotContain(plan.LoadBalancers.Single().Listeners.Single().Rules.SelectMany(r => r.Conditions), c => c.Field == "source-ip");
        Assert.Equal(["10.0.0.0/8", "172.16.0.0/12"], plan.SecurityGroups.Single().Ingress.Select(p => p.Cidr));
    }

    [Fact]
    public void Bridge_UsesHttpsTargetGroups_AndSaysAlbDoesNotVerifyThePods()
    {
        var plan = Translate(Ingress("b", $"[{Rule("app.example.com", ("/", "Prefix", "web"))}]",
            "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: backend-ca", "[{hosts: [app.example.com], secretName: app-tls}]"));

        Assert.All(plan.TargetGroups, t => Assert.Equal("HTTPS", t.Protocol));
        Assert.Contains(plan.Diagnostics, d => d.Code == Core.Diagnostics.DiagnosticCodes.ProviderUnsupported && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void HealthCheckAndSchemeAndInstanceTargets_ComeFromAnnotations()
    {
        var plan = Translate(Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "api"))}]",
            "alb.ingress.kubernetes.io/scheme: internal, alb.ingress.kubernetes.io/healthcheck-path: /healthz, " +
            "alb.ingress.kubernetes.io/success-codes: \"200-299\", alb.ingress.kubernetes.io/healthcheck-interval-seconds: \"10\""));

        Assert.Equal("internal", plan.LoadBalancers.Single().Scheme);
        var check = plan.TargetGroups.Single().HealthCheck;
        Assert.Equal(("/healthz", "200-299", 10, "traffic-port"), (check.Path, check.HttpCode, check.IntervalSeconds, check.Port));
    }

    [Fact]
    public void Translate_IsDeterministic_AndKeysAreValidTagValues()
    {
        var yaml = Ingress("a", $"[{Rule("app.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"))}]", tls: "[{hosts: [app.example.com], secretName: app-tls}]") +
            Ingress("b", $"[{Rule("b.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: other");
        var first = Translate(yaml);
        var second = Translate(yaml);
        Assert.Equal(first.LoadBalancers, second.LoadBalancers);
        Assert.Equal(first.TargetGroups, second.TargetGroups, (x, y) => x!.Key == y!.Key && x.Targets.Equals(y.Targets) && x.HealthCheck == y.HealthCheck);
        var keys = first.LoadBalancers.Select(l => l.Key).Concat(first.TargetGroups.Select(t => t.Key)).Concat(first.SecurityGroups.Select(s => s.Key)).Concat(first.Certificates.Select(c => c.Key));
        Assert.All(keys, k => Assert.Equal(AwsTags.Value(k), k));
        Assert.Equal(first.TargetGroups.Count, first.TargetGroups.Select(t => t.Name).Distinct().Count());
    }
}
