using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Tests.Annotations;

public sealed class AnnotationParserTests
{
    private static readonly ObjectRef Owner = new("Ingress", "default", "app");

    [Fact]
    public void Parse_NoAnnotations_GivesDefaults()
    {
        var bag = new DiagnosticBag();
        Assert.Same(AnnotationSettings.Default, AnnotationParser.Parse(null, Owner, AnnotationScope.Ingress, bag));
        Assert.Equal(0, bag.Count);
    }

    [Fact]
    public void Parse_EveryCatalogKey_IsReadWithoutUnknownWarnings()
    {
        // Each key of the catalog must be something the parser actually reads; otherwise it would be
        // accepted silently (documented but without effect).
        foreach (var definition in AnnotationCatalog.All)
        {
            foreach (var key in definition.Keys)
            {
                var bag = new DiagnosticBag();
                AnnotationParser.Parse(new Dictionary<string, string> { [key.Name] = "x" }, Owner, definition.Scope, bag);
                Assert.DoesNotContain(bag.ToSortedList(), d => d.Code is DiagnosticCodes.UnknownAnnotation or DiagnosticCodes.UnsupportedAnnotation);
            }
        }
    }

    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/ssl-passthrough", "true", TlsMode.Passthrough)]
    [InlineData("nginx.ingress.kubernetes.io/ssl-passthrough", "false", TlsMode.Offload)]
    [InlineData("cloudingress.io/tls-mode", "BRIDGE", TlsMode.Bridge)]
    public void Parse_TlsModeAliases(string key, string value, TlsMode expected) =>
        Assert.Equal(expected, Parse(new() { [key] = value }).TlsMode);

    [Fact]
    public void Parse_OurKeyWinsOverAlias_AndTheAliasIsReported()
    {
        var bag = new DiagnosticBag();
        var settings = AnnotationParser.Parse(
            new Dictionary<string, string> { ["cloudingress.io/scheme"] = "internal", ["alb.ingress.kubernetes.io/scheme"] = "internet-facing" },
            Owner, AnnotationScope.Ingress, bag);
        Assert.Equal(LoadBalancerScheme.Internal, settings.Scheme);
        var conflict = Assert.Single(bag.ToSortedList());
        Assert.Equal(DiagnosticCodes.AnnotationConflict, conflict.Code);
        Assert.Equal("metadata.annotations[alb.ingress.kubernetes.io/scheme]", conflict.Field);
    }

    [Fact]
    public void Parse_ForceSslRedirectBeatsSslRedirect()
    {
        var settings = Parse(new()
        {
            ["nginx.ingress.kubernetes.io/ssl-redirect"] = "false",
            ["nginx.ingress.kubernetes.io/force-ssl-redirect"] = "true",
        });
        Assert.Equal(443, settings.SslRedirectPort);
    }

    [Fact]
    public void Parse_ProxySslVerifyOff_DisablesVerificationWithWarning()
    {
        var bag = new DiagnosticBag();
        var settings = AnnotationParser.Parse(new Dictionary<string, string> { ["nginx.ingress.kubernetes.io/proxy-ssl-verify"] = "off" },
            Owner, AnnotationScope.Ingress, bag);
        Assert.False(settings.BackendTlsVerify);
        Assert.Equal(DiagnosticCodes.BackendTlsUnverified, Assert.Single(bag.ToSortedList()).Code);
    }

    [Fact]
    public void Parse_FieldOf_NamesTheKeyTheUserWrote()
    {
        var settings = Parse(new() { ["alb.ingress.kubernetes.io/group.name"] = "shop" });
        Assert.Equal("metadata.annotations[alb.ingress.kubernetes.io/group.name]", settings.FieldOf(AnnotationCatalog.GroupSetting));
        Assert.Equal("metadata.annotations[cloudingress.io/scheme]", settings.FieldOf(AnnotationCatalog.SchemeSetting));
    }

    [Fact]
    public void Parse_IngressOnlyKeyOnService_IsNotApplicable()
    {
        var bag = new DiagnosticBag();
        AnnotationParser.Parse(new Dictionary<string, string> { ["cloudingress.io/tls-mode"] = "passthrough" }, new ObjectRef("Service", "default", "db"), AnnotationScope.Service, bag);
        Assert.Equal(DiagnosticCodes.AnnotationNotApplicable, Assert.Single(bag.ToSortedList()).Code);
    }

    [Fact]
    public void Parse_MetalLbKeysOnIngress_AskForTheGroupsAddress()
    {
        var bag = new DiagnosticBag();
        var settings = AnnotationParser.Parse(new Dictionary<string, string>
        {
            ["metallb.io/address-pool"] = "public",
            ["metallb.cloudingress.io/load-balancer-ips"] = "192.0.2.10",
            ["metallb.universe.tf/allow-shared-ip"] = "edge",
        }, Owner, AnnotationScope.Ingress, bag);
        Assert.Equal(0, bag.Count);
        Assert.Equal("public", settings.AddressPool);
        Assert.Equal(["192.0.2.10"], settings.LoadBalancerIps);
        Assert.Equal("edge", settings.AllowSharedIp);
    }

    [Fact]
    public void Parse_MetalLbIoKey_WinsOverItsDeprecatedTwin()
    {
        var bag = new DiagnosticBag();
        var settings = AnnotationParser.Parse(new Dictionary<string, string>
        {
            ["metallb.universe.tf/loadBalancerIPs"] = "192.0.2.1",
            ["metallb.io/loadBalancerIPs"] = "192.0.2.2",
        }, new ObjectRef("Service", "default", "db"), AnnotationScope.Service, bag);
        Assert.Equal(["192.0.2.2"], settings.LoadBalancerIps);
        Assert.Equal("metadata.annotations[metallb.io/loadBalancerIPs]", settings.FieldOf(AnnotationCatalog.LoadBalancerIpsSetting));
        Assert.Equal(DiagnosticCodes.AnnotationConflict, Assert.Single(bag.ToSortedList()).Code);
    }

    [Fact]
    public void Parse_CanaryHeaderValueWithoutHeader_IsIgnored()
    {
        var settings = Parse(new() { ["cloudingress.io/canary"] = "true", ["cloudingress.io/canary-by-header-value"] = "x" });
        Assert.Equal(new CanarySettings(0, null, null), settings.Canary);
    }

    private static AnnotationSettings Parse(Dictionary<string, string> annotations) =>
        AnnotationParser.Parse(annotations, Owner, AnnotationScope.Ingress, new DiagnosticBag());
}
