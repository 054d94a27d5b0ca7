using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.MetalLb.Config;
using CloudIngress.Providers.MetalLb.Exposure;
using CloudIngress.Providers.MetalLb.Planning;
using static CloudIngress.Providers.MetalLb.Tests.Manifests;

namespace CloudIngress.Providers.MetalLb.Tests.Planning;

/// <summary>The Services the controller owns in front of the proxy, and the writes an apply would make.</summary>
public sealed class ExposurePlanTests
{
    private static readonly string Public = Pool("public", "10.0.0.0/29");

    private static string Ingress(string name, string annotations = "{}") => """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: NAME, namespace: shop, annotations: ANNOTATIONS}
        spec:
          ingressClassName: cloudingress
          rules: [{host: NAME.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("ANNOTATIONS", annotations, StringComparison.Ordinal);

    private static string Owned(string name, string status = "", string ports = "[{name: http-80, protocol: TCP, port: 80, targetPort: http}, {name: https-443, protocol: TCP, port: 443, targetPort: https}]") =>
        Svc("cloudingress", name, ports, "{cloudingress.io/ingress-groups: default}", "  selector: {app.kubernetes.io/name: cloudingress}\n  externalTrafficPolicy: Local",
            status, labels: "{app.kubernetes.io/managed-by: cloudingress, app.kubernetes.io/name: cloudingress}");

    [Fact]
    public void Plan_NoIngress_OneAssignmentPerMetalLbServiceAndNoOwnedService()
    {
        var plan = Plan(Read(Public, L2,
            Svc("web", "a"),
            Svc("web", "ours", spec: "  loadBalancerClass: cloudingress.io/lb"),
            Svc("web", "aws", spec: "  loadBalancerClass: service.k8s.aws/nlb"),
            "apiVersion: v1\nkind: Service\nmetadata: {name: internal, namespace: web}\nspec: {ports: [{port: 80}]}"));
        Assert.Equal(["web/a"], plan.Assignments.Select(a => a.Service.Key));
        Assert.Empty(plan.Services);
        Assert.Empty(plan.Operations);
    }

    private static readonly string L4 = Svc("web", "ours", "[{name: pg, port: 5432}, {name: dns, port: 53, protocol: UDP}, {name: web, port: 80}]",
        spec: "  loadBalancerClass: cloudingress.io/lb");

    [Fact]
    public void Plan_L4Service_JoinsTheSharedServiceWithItsTcpPorts_AndItsAddress()
    {
        var plan = Plan(Read(Public, L2, Ingress("a"), L4));
        var shared = Assert.Single(plan.Services);
        Assert.Equal("cloudingress/cloudingress-proxy", shared.Ref.Key);
        Assert.Equal("web/ours", shared.Service.Metadata.Annotations![ProxyExposure.L4ServicesAnnotation]);
        // UDP is not served by the proxy, and 80 is the shared Service's HTTP port already.
        Assert.Equal([(80, "http"), (443, "https"), (5432, "5432")], shared.Service.Spec!.Ports!.Select(p => (p.Port, p.TargetPort!.Value.Text ?? p.TargetPort.Value.Number.ToString())));
        var clash = plan.About("web/ours", DiagnosticCodes.ListenerConflict);
        Assert.Contains("port 80 is already a port of the shared Service cloudingress/cloudingress-proxy", clash.Message, StringComparison.Ordinal);
        Assert.Equal(["10.0.0.0"], plan.ByFrontend["service/web/ours"]);
        Assert.Equal(["10.0.0.0"], plan.ByFrontend["ingress/default"]);
    }

    [Fact]
    public void Plan_L4Service_WithoutAnIngress_GetsNoServiceUnlessItAsksForAnAddress()
    {
        var alone = Plan(Read(Public, L2, L4));
        Assert.Empty(alone.Services);
        Assert.Empty(alone.Assignments);
        Assert.Contains("no Ingress is served", alone.About("web/ours", DiagnosticCodes.ProviderUnsupported).Message, StringComparison.Ordinal);

        var asking = Plan(Read(Public, L2, L4.Replace("annotations: {}", "annotations: {metallb.io/loadBalancerIPs: 10.0.0.5}", StringComparison.Ordinal)));
        var own = Assert.Single(asking.Services);
        Assert.Equal("cloudingress/cloudingress-l4-web-ours", own.Ref.Key);
        Assert.Equal("10.0.0.5", own.Service.Metadata.Annotations![MetalLbAnnotations.LoadBalancerIps]);
        Assert.Equal([80, 5432], own.Service.Spec!.Ports!.Select(p => p.Port));
        Assert.Equal(["10.0.0.5"], asking.ByFrontend["service/web/ours"]);
    }

    [Fact]
    public void Plan_IngressGroups_ShareOneServiceUnlessOneAsksForItsOwn()
    {
        var plan = Plan(Read(Public, L2, Ingress("a"), Ingress("b"),
            Ingress("vip", "{cloudingress.io/group: vip, metallb.cloudingress.io/load-balancer-ips: 10.0.0.7, metallb.io/allow-shared-ip: vip}")));
        Assert.Equal(["cloudingress/cloudingress-proxy", "cloudingress/cloudingress-proxy-vip"], plan.Services.Select(s => s.Ref.Key));
        var vip = plan.Services[1].Service;
        Assert.Equal("10.0.0.7", vip.Metadata.Annotations![MetalLbAnnotations.LoadBalancerIps]);
        Assert.Equal("vip", vip.Metadata.Annotations[MetalLbAnnotations.AllowSharedIp]);
        Assert.Equal("cloudingress", vip.Metadata.Labels!["app.kubernetes.io/managed-by"]);
        Assert.Equal([80, 443], vip.Spec!.Ports!.Select(p => p.Port));
        Assert.Equal(["http", "https"], vip.Spec.Ports!.Select(p => p.TargetPort!.Value.Text));
        Assert.Equal("10.0.0.0", plan.Addresses("cloudingress/cloudingress-proxy"));
        Assert.Equal("10.0.0.7", plan.Addresses("cloudingress/cloudingress-proxy-vip"));
        Assert.Equal(["10.0.0.0"], plan.ByFrontend["ingress/default"]);
        Assert.Equal(["10.0.0.7"], plan.ByFrontend["ingress/vip"]);
        Assert.Equal(["+ ApplyService cloudingress/cloudingress-proxy", "+ ApplyService cloudingress/cloudingress-proxy-vip"], plan.Operations.Select(o => o.ToString()));
    }

    [Fact]
    public void Plan_GroupAskingWithADeprecatedKey_IsServedAndWarned()
    {
        var plan = Plan(Read(Public, L2, Ingress("old", "{cloudingress.io/group: old, metallb.universe.tf/address-pool: public}")));
        Assert.Equal("10.0.0.0", plan.Addresses("cloudingress/cloudingress-proxy-old"));
        Assert.Equal("public", plan.Services.Single().Service.Metadata.Annotations![MetalLbAnnotations.AddressPool]);
        Assert.Equal("metadata.annotations[metallb.universe.tf/address-pool]", plan.About("shop/old", DiagnosticCodes.DeprecatedAnnotation).Field);
    }

    [Fact]
    public void Plan_OwnedServiceAlreadyThere_ReplaysItsAddressAndWritesNothing()
    {
        var plan = Plan(Read(Public, L2, Ingress("a"), Owned("cloudingress-proxy", "10.0.0.5"), Svc("web", "older", created: "2020-01-01T00:00:00Z")));
        Assert.Equal("10.0.0.5", plan.Addresses("cloudingress/cloudingress-proxy"));
        Assert.True(plan.Assignments.Single(a => a.Service.Name == "cloudingress-proxy").Kept);
        Assert.Empty(plan.Operations);
    }

    [Fact]
    public void Plan_OwnedServiceThatDiffers_IsChanged_AndOneNoLongerNeeded_IsDeletedAndFreesItsAddress()
    {
        var plan = Plan(Read(Public, L2, Ingress("a"),
            Owned("cloudingress-proxy", ports: "[{name: http-80, protocol: TCP, port: 80, targetPort: http}]"),
            Owned("cloudingress-proxy-gone", "10.0.0.0"),
            Svc("web", "x")));
        Assert.Equal(["~ ApplyService cloudingress/cloudingress-proxy", "- DeleteService cloudingress/cloudingress-proxy-gone"], plan.Operations.Select(o => o.ToString()));
        Assert.DoesNotContain(plan.Assignments, a => a.Service.Name == "cloudingress-proxy-gone");
        Assert.Equal("10.0.0.0", plan.Addresses("cloudingress/cloudingress-proxy"));
    }

    [Fact]
    public void Plan_AServiceOfTheSameNameWeDoNotOwn_IsNeverTakenOver()
    {
        var plan = Plan(Read(Public, L2, Ingress("a"), Svc("cloudingress", "cloudingress-proxy")));
        Assert.Empty(plan.Services);
        Assert.Empty(plan.Operations);
        Assert.Equal(DiagnosticSeverity.Error, plan.About("cloudingress/cloudingress-proxy", DiagnosticCodes.ExposureServiceNotOwned).Severity);
        Assert.Equal("10.0.0.0", plan.Addresses("cloudingress/cloudingress-proxy"));
        Assert.Empty(plan.ByFrontend);
    }

    [Fact]
    public void Plan_AClusterIpServiceOfTheSameName_IsNeverTakenOverEither()
    {
        var plan = Plan(Read(Public, L2, Ingress("a"), "apiVersion: v1\nkind: Service\nmetadata: {name: cloudingress-proxy, namespace: cloudingress}\nspec: {ports: [{port: 8080}]}"));
        Assert.Empty(plan.Services);
        Assert.Empty(plan.Operations);
        Assert.Empty(plan.Assignments);
        Assert.Contains("ingress group(s) default get no address", plan.About("cloudingress/cloudingress-proxy", DiagnosticCodes.ExposureServiceNotOwned).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PoolsAsCode_ReplaceOwnedPoolsAndNeverTouchOthers()
    {
        var (config, error) = MetalLbConfig.Parse(Pool("code", "10.5.0.0/31") + "\n---\n" + Pool("theirs", "10.6.0.0/31") + "\n---\n" + L2, "pools.yaml", "metallb-system");
        Assert.Null(error);
        var plan = Plan(
            Read(Pool("theirs", "10.7.0.0/31"), Pool("stale", "10.8.0.0/31").Replace("namespace: metallb-system}", "namespace: metallb-system, labels: {app.kubernetes.io/managed-by: cloudingress}}", StringComparison.Ordinal),
                Svc("web", "a"), Svc("web", "b", annotations: "{metallb.io/address-pool: stale}")),
            new MetalLbOptions { Config = config });
        Assert.Equal(["code", "theirs"], plan.Pools.Select(p => p.Pool.Name));
        Assert.Equal("10.5.0.0", plan.Addresses("web/a"));
        Assert.Equal(DiagnosticCodes.AddressPoolNotFound, plan.About("web/b", DiagnosticCodes.AddressPoolNotFound).Code);
        Assert.Equal(DiagnosticSeverity.Error, plan.About("metallb-system/theirs", DiagnosticCodes.AddressPoolInvalid).Severity);
        Assert.Equal(
            [
                new PlannedOperation(OperationAction.Create, "ApplyIPAddressPool", "metallb-system/code"),
                new PlannedOperation(OperationAction.Create, "ApplyL2Advertisement", "metallb-system/all"),
                new PlannedOperation(OperationAction.Delete, "DeleteIPAddressPool", "metallb-system/stale"),
            ],
            plan.Operations);
    }

    [Fact]
    public void Plan_PoolsNobodyAnnounces_AreWarnedAbout()
    {
        var plan = Plan(Read(Public, Svc("web", "a")));
        Assert.Equal("10.0.0.0", plan.Addresses("web/a"));
        Assert.Equal(DiagnosticSeverity.Warning, plan.About("metallb-system/public", DiagnosticCodes.AddressPoolNotAnnounced).Severity);
    }

    [Fact]
    public void Plan_NamespaceSelectors_MatchNamespaceLabelsAndTheNameLabel()
    {
        var plan = Plan(Read(L2,
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {tier: gold}}",
            Pool("gold", "10.1.0.0/32", "  serviceAllocation: {namespaceSelectors: [{matchLabels: {tier: gold}}]}"),
            Pool("infra", "10.2.0.0/32", "  serviceAllocation: {namespaceSelectors: [{matchLabels: {kubernetes.io/metadata.name: infra}}]}"),
            Pool("general", "10.9.0.0/31"),
            Svc("shop", "a"), Svc("infra", "b"), Svc("web", "c")));
        Assert.Equal("10.1.0.0", plan.Addresses("shop/a"));
        Assert.Equal("10.2.0.0", plan.Addresses("infra/b"));
        Assert.Equal("10.9.0.0", plan.Addresses("web/c"));
    }

    [Fact]
    public void Plan_APoolMetalLbRefuses_IsLeftOutWithAnErrorNamingTheField()
    {
        var plan = Plan(Read(L2, Pool("a", "10.0.0.0/30"), Pool("b", "10.0.0.2-10.0.0.9"), Svc("web", "x", annotations: "{metallb.io/address-pool: b}")));
        var invalid = plan.About("metallb-system/b", DiagnosticCodes.AddressPoolInvalid);
        Assert.Equal("spec.addresses[0]", invalid.Field);
        Assert.StartsWith("10.0.0.2-10.0.0.9 overlaps 10.0.0.0/30 of pool a", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(["a"], plan.Pools.Select(p => p.Pool.Name));
        Assert.Equal("Pending", plan.Addresses("web/x"));
    }
}
