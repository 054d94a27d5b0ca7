using CloudIngress.Core.Diagnostics;
using static CloudIngress.Providers.MetalLb.Tests.Manifests;

namespace CloudIngress.Providers.MetalLb.Tests.Planning;

/// <summary>Many Services at once: the fixed order, restarts, deletions, and why a Service stays Pending.</summary>
public sealed class AddressPlannerTests
{
    private static readonly string Public = Pool("public", "10.0.0.0/30");

    [Fact]
    public void Plan_Order_IsStatusFirstThenCreationTimestampThenNamespaceAndName()
    {
        var plan = Plan(Read(Public, L2,
            Svc("web", "c", created: "2024-01-01T00:00:00Z"),
            Svc("web", "a"),
            Svc("web", "b", created: "2025-01-01T00:00:00Z", status: "10.0.0.3"),
            Svc("web", "d", created: "2023-01-01T00:00:00Z")));
        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.0"], plan.Assignments.Select(a => string.Join(",", a.Addresses)));
        Assert.True(Assert.Single(plan.Assignments, a => a.Service.Name == "b").Kept);
        Assert.Empty(plan.Diagnostics);
    }

    [Fact]
    public void Plan_Restart_ReplaysEveryStatusAndReassignsNothing()
    {
        var first = Plan(Read(Public, L2, Svc("web", "a"), Svc("web", "b"), Svc("web", "c")));
        Assert.Equal(["10.0.0.0", "10.0.0.1", "10.0.0.2"], first.Assignments.Select(a => string.Join(",", a.Addresses)));

        // Back with the statuses written, and an older newcomer that would have come first.
        var again = Plan(Read(Public, L2,
            Svc("web", "a", status: "10.0.0.0"), Svc("web", "b", status: "10.0.0.1"), Svc("web", "c", status: "10.0.0.2"),
            Svc("web", "old", created: "2020-01-01T00:00:00Z")));
        Assert.Equal("10.0.0.0", again.Addresses("web/a"));
        Assert.Equal("10.0.0.1", again.Addresses("web/b"));
        Assert.Equal("10.0.0.2", again.Addresses("web/c"));
        Assert.Equal("10.0.0.3", again.Addresses("web/old"));
        Assert.Empty(again.Diagnostics);
    }

    [Fact]
    public void Plan_ServiceDeleted_ItsAddressIsFreedAndReused()
    {
        var plan = Plan(Read(Public, L2, Svc("web", "b", status: "10.0.0.1"), Svc("web", "new")));
        Assert.Equal("10.0.0.0", plan.Addresses("web/new"));
    }

    [Fact]
    public void Plan_PoolDeletedWhileInUse_ReleasesTheStatusAddressWithAWarning()
    {
        var plan = Plan(Read(Pool("backup", "10.1.0.0/31"), L2, Svc("web", "a", status: "10.0.0.0")));
        Assert.Equal("10.1.0.0", plan.Addresses("web/a"));
        var released = plan.About("web/a", DiagnosticCodes.AddressReleased);
        Assert.Equal(DiagnosticSeverity.Warning, released.Severity);
        Assert.Equal("10.0.0.0 in its status would be released: 10.0.0.0 is in no pool", released.Message);

        var none = Plan(Read(Svc("web", "a", status: "10.0.0.0")));
        Assert.Equal("Pending", none.Addresses("web/a"));
        Assert.Equal("stays Pending: there is no IPAddressPool", none.About("web/a", DiagnosticCodes.NoAddressPool).Message);
    }

    [Fact]
    public void Plan_PoolExhausted_NamesThePool()
    {
        var plan = Plan(Read(Public, L2, Svc("a", "s1"), Svc("a", "s2"), Svc("a", "s3"), Svc("a", "s4"), Svc("a", "s5")));
        Assert.Equal("Pending", plan.Addresses("a/s5"));
        Assert.Equal("stays Pending: pool `public` is exhausted", plan.About("a/s5", DiagnosticCodes.AddressPoolExhausted).Message);
    }

    [Fact]
    public void Plan_RequestedAddressOutsideEveryPool_IsPending()
    {
        var plan = Plan(Read(Public, L2, Svc("web", "x", annotations: "{metallb.io/loadBalancerIPs: 10.0.0.5}")));
        var d = plan.About("web/x", DiagnosticCodes.AddressNotInPool);
        Assert.Equal("stays Pending: 10.0.0.5 is in no pool", d.Message);
        Assert.Equal("metadata.annotations[metallb.io/loadBalancerIPs]", d.Field);
    }

    [Fact]
    public void Plan_SharingClashes_NameTheOtherService()
    {
        var dns = Svc("infra", "dns", "[{port: 53, protocol: TCP}]", "{metallb.io/allow-shared-ip: dns}", created: "2020-01-01T00:00:00Z", status: "10.0.0.2");
        var plan = Plan(Read(Public, L2, dns,
            Svc("infra", "dns-udp", "[{port: 53, protocol: UDP}]", "{metallb.io/allow-shared-ip: dns, metallb.io/loadBalancerIPs: 10.0.0.2}"),
            Svc("web", "key", "[{port: 80}]", "{metallb.io/allow-shared-ip: web, metallb.io/loadBalancerIPs: 10.0.0.2}"),
            Svc("web", "port", "[{port: 53}]", "{metallb.io/allow-shared-ip: dns, metallb.io/loadBalancerIPs: 10.0.0.2}")));
        Assert.Equal("10.0.0.2", plan.Addresses("infra/dns-udp"));
        Assert.Equal("stays Pending: sharing key mismatch with infra/dns on 10.0.0.2 (\"web\" here, \"dns\" there)",
            plan.About("web/key", DiagnosticCodes.AddressSharingConflict).Message);
        Assert.Equal("stays Pending: port 53/TCP already used on 10.0.0.2 by infra/dns",
            plan.About("web/port", DiagnosticCodes.AddressPortConflict).Message);
    }

    [Fact]
    public void Plan_TwoServicesClaimOneStatusAddress_TheOlderKeepsIt()
    {
        var plan = Plan(Read(Public, L2,
            Svc("web", "young", created: "2025-01-01T00:00:00Z", status: "10.0.0.1"),
            Svc("web", "old", created: "2020-01-01T00:00:00Z", status: "10.0.0.1")));
        Assert.Equal("10.0.0.1", plan.Addresses("web/old"));
        Assert.Equal("10.0.0.0", plan.Addresses("web/young"));
        Assert.Contains("is used by web/old", plan.About("web/young", DiagnosticCodes.AddressReleased).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AnotherAddressOrPoolRequested_ReleasesTheStatusOne()
    {
        var plan = Plan(Read(Public, L2, Pool("other", "10.9.0.0/31"),
            Svc("web", "moved", annotations: "{metallb.io/loadBalancerIPs: 10.0.0.3}", status: "10.0.0.1"),
            Svc("web", "repooled", annotations: "{metallb.io/address-pool: other}", status: "10.0.0.2")));
        Assert.Equal("10.0.0.3", plan.Addresses("web/moved"));
        Assert.Equal("10.9.0.0", plan.Addresses("web/repooled"));
        Assert.EndsWith("the Service asks for 10.0.0.3", plan.About("web/moved", DiagnosticCodes.AddressReleased).Message, StringComparison.Ordinal);
        Assert.EndsWith("it is in pool `public` and the Service asks for pool `other`", plan.About("web/repooled", DiagnosticCodes.AddressReleased).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnreadableRequestOnAnAddressedService_KeepsTheAddressWithAnError()
    {
        var plan = Plan(Read(Public, L2, Svc("web", "a", annotations: "{metallb.io/loadBalancerIPs: nonsense}", status: "10.0.0.1")));
        Assert.Equal("10.0.0.1", plan.Addresses("web/a"));
        Assert.Equal(DiagnosticSeverity.Error, plan.About("web/a", DiagnosticCodes.AddressRequestInvalid).Severity);
    }

    [Fact]
    public void Plan_PreferDualStackWithOneFamilyInStatus_GetsTheOtherFromTheSamePool()
    {
        var plan = Plan(Read(Pool("dual", "10.0.0.0/31, fd00::/127"), L2,
            Svc("web", "a", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: PreferDualStack", status: "10.0.0.1")));
        Assert.Equal("10.0.0.1,fd00::", plan.Addresses("web/a"));
    }

    [Fact]
    public void Plan_DeprecatedAnnotations_WarnAndLoseToMetalLbIo()
    {
        var plan = Plan(Read(Public, Pool("old", "10.9.0.0/31"), L2,
            Svc("web", "a", annotations: "{metallb.universe.tf/address-pool: old}"),
            Svc("web", "b", annotations: "{metallb.universe.tf/address-pool: old, metallb.io/address-pool: public}")));
        Assert.Equal("10.9.0.0", plan.Addresses("web/a"));
        Assert.Equal("10.0.0.0", plan.Addresses("web/b"));
        Assert.Equal("deprecated: MetalLB reads it for now; use metallb.io/address-pool", plan.About("web/a", DiagnosticCodes.DeprecatedAnnotation).Message);
        Assert.Equal("deprecated, and ignored: metallb.io/address-pool is set and wins", plan.About("web/b", DiagnosticCodes.DeprecatedAnnotation).Message);
        Assert.All(plan.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Plan_WithoutIpFamilies_IsIPv4SingleStack()
    {
        var plan = Plan(Read(Pool("dual", "fd00::/127, 10.0.0.0/31"), L2, Svc("web", "a"), Svc("web", "b", spec: "  ipFamilyPolicy: PreferDualStack")));
        Assert.Equal("10.0.0.0", plan.Addresses("web/a"));
        Assert.Equal("10.0.0.1", plan.Addresses("web/b"));
    }
}
