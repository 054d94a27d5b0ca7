using CloudIngress.Providers.MetalLb.Allocation;
using CloudIngress.Providers.MetalLb.Planning;
using static CloudIngress.Providers.MetalLb.Tests.Manifests;

namespace CloudIngress.Providers.MetalLb.Tests.Planning;

/// <summary>A Service read the way MetalLB's controller reads it.</summary>
public sealed class ServiceReaderTests
{
    private static ServiceIntent Intent(string service) => ServiceReader.Read(Read(service).Services.Single());

    [Fact]
    public void Read_MetalLbIoKey_WinsOverTheDeprecatedOne_EvenWhenEmpty()
    {
        var intent = Intent(Svc("web", "a", annotations: "{metallb.io/allow-shared-ip: \"\", metallb.universe.tf/allow-shared-ip: k, metallb.universe.tf/address-pool: old}"));
        Assert.Equal(string.Empty, intent.Request.SharingKey);
        Assert.Equal(("old", "metadata.annotations[metallb.universe.tf/address-pool]"), intent.Pool);
        Assert.Equal(2, intent.Warnings.Count);
    }

    [Fact]
    public void Read_PortsSharingAndBackendKey()
    {
        var intent = Intent(Svc("web", "a", "[{port: 53, protocol: UDP}, {port: 53}]", "{metallb.io/allow-shared-ip: dns}",
            "  externalTrafficPolicy: Local\n  selector: {b: \"2\", a: \"1\"}"));
        Assert.Equal([new PortKey("UDP", 53), new PortKey("TCP", 53)], intent.Request.Ports);
        Assert.Equal("dns", intent.Request.SharingKey);
        Assert.Equal("a=1,b=2", intent.Request.BackendKey);
        Assert.Equal(string.Empty, Intent(Svc("web", "b", spec: "  selector: {a: \"1\"}")).Request.BackendKey);
    }

    [Theory]
    [InlineData("", ServiceFamily.IPv4, FamilyPolicy.SingleStack, IpFamily.IPv4, false)]
    [InlineData("  ipFamilyPolicy: PreferDualStack", ServiceFamily.IPv4, FamilyPolicy.PreferDualStack, IpFamily.IPv4, false)]
    [InlineData("  ipFamilyPolicy: RequireDualStack", ServiceFamily.DualStack, FamilyPolicy.RequireDualStack, IpFamily.IPv4, false)]
    [InlineData("  ipFamilies: [IPv6]\n  ipFamilyPolicy: PreferDualStack", ServiceFamily.IPv6, FamilyPolicy.PreferDualStack, IpFamily.IPv6, false)]
    [InlineData("  ipFamilies: [IPv6, IPv4]\n  ipFamilyPolicy: PreferDualStack", ServiceFamily.DualStack, FamilyPolicy.PreferDualStack, IpFamily.IPv6, false)]
    [InlineData("  ipFamilies: [IPv4]\n  ipFamilyPolicy: RequireDualStack", ServiceFamily.IPv4, FamilyPolicy.RequireDualStack, IpFamily.IPv4, true)]
    [InlineData("  ipFamilies: [IPv4, IPv6]", ServiceFamily.DualStack, FamilyPolicy.SingleStack, IpFamily.IPv4, true)]
    [InlineData("  ipFamilies: [IPv4, IPv4]\n  ipFamilyPolicy: PreferDualStack", ServiceFamily.IPv4, FamilyPolicy.PreferDualStack, IpFamily.IPv4, true)]
    [InlineData("  ipFamilies: [IPv5]", ServiceFamily.IPv4, FamilyPolicy.SingleStack, IpFamily.IPv4, true)]
    [InlineData("  ipFamilyPolicy: Sometimes", ServiceFamily.IPv4, FamilyPolicy.SingleStack, IpFamily.IPv4, true)]
    public void Read_Families_OneEntryIsSingleStackWhateverThePolicy(string spec, ServiceFamily family, FamilyPolicy policy, IpFamily primary, bool refused)
    {
        var intent = Intent(Svc("web", "a", spec: spec));
        Assert.Equal((family, policy, primary), (intent.Request.Family, intent.Request.Policy, intent.Request.PrimaryFamily));
        Assert.Equal(refused, intent.FamilyError is not null);
    }

    [Theory]
    [InlineData("{metallb.io/loadBalancerIPs: \" 10.0.0.1 , fd00::1\"}", "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: RequireDualStack", "10.0.0.1,fd00::1", null)]
    [InlineData("{metallb.universe.tf/loadBalancerIPs: 10.0.0.1}", "", "10.0.0.1", null)]
    [InlineData("{}", "  loadBalancerIP: 10.0.0.2", "10.0.0.2", null)]
    [InlineData("{metallb.io/loadBalancerIPs: 10.0.0.1}", "  loadBalancerIP: 10.0.0.2", null, "sets both metallb.io/loadBalancerIPs and spec.loadBalancerIP; MetalLB takes neither")]
    [InlineData("{metallb.io/loadBalancerIPs: \"10.0.0.1,x\"}", "", null, "\"10.0.0.1,x\" is not a list of IP addresses")]
    [InlineData("{metallb.io/loadBalancerIPs: \"10.0.0.1,10.0.0.2\"}", "", null, "\"10.0.0.1,10.0.0.2\": at most one IPv4 and one IPv6 address")]
    [InlineData("{metallb.io/loadBalancerIPs: fd00::1}", "", null, "fd00::1 does not match the Service's family (IPv4)")]
    public void Read_RequestedAddresses_AsMetalLbReadsThem(string annotations, string spec, string? addresses, string? error)
    {
        var intent = Intent(Svc("web", "a", annotations: annotations, spec: spec));
        Assert.Equal(addresses, intent.Requested is { } r ? string.Join(",", r.Addresses) : null);
        Assert.Equal(error, intent.RequestError?.Message);
    }
}
