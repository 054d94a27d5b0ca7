using CloudIngress.Providers.MetalLb.Allocation;
using static CloudIngress.Providers.MetalLb.Tests.Allocation.AllocatorSteps;

namespace CloudIngress.Providers.MetalLb.Tests.Allocation;

/// <summary>Requested addresses (MetalLB's TestAssignment): pool membership, buggy addresses, sharing, dual stack, serviceAllocation.</summary>
public sealed class AllocatorAssignTests
{
    private static Allocator NewAllocator() => new([
        Pool("test", "1.2.3.4/31", "1000::4/127"),
        Pool("test2", "1.2.4.0/24", "1000::4:0/120") with { AvoidBuggyIps = true },
        Pool("test3", "1.2.5.0/24", "1000::5:0/120").For(namespaces: ["test-ns1"]) with { AvoidBuggyIps = true },
        Pool("test4", "1.2.6.0/24", "1000::6:0/120").For(serviceLabel: "team=metallb") with { AvoidBuggyIps = true },
        Pool("test5", "1.2.7.0/24", "1000::7:0/120").For(20, ["test-ns1"], "team=metallb") with { AvoidBuggyIps = true },
        Pool("test6", "1.2.8.0/24", "1000::9:0/120").For(20, ["test-ns2"], "foo=bar") with { AvoidBuggyIps = true },
    ]);

    [Fact]
    public void Assign_IPv4Steps_FollowMetalLb()
    {
        var s1 = Svc("s1");
        var s2 = Svc("s2");
        var s3 = Svc("s3");
        Run(NewAllocator(),
            Assign("assign s1", s1, "1.2.3.4", "1.2.3.4"),
            Assign("s1 idempotent reassign", s1, "1.2.3.4", "1.2.3.4"),
            Assign("s2 can't grab s1's IP", s2, "1.2.3.4", "!SharingConflict"),
            Assign("s2 can get the other IP", s2, "1.2.3.5", "1.2.3.5"),
            Assign("s1 now can't grab s2's IP", s1, "1.2.3.5", "!SharingConflict"),
            Free("s1 frees its IP", "s1"),
            Assign("s2 can grab s1's former IP", s2, "1.2.3.4", "1.2.3.4"),
            Assign("s1 can now grab s2's former IP", s1, "1.2.3.5", "1.2.3.5"),
            Assign("s3 cannot grab a 0 buggy IP", s3, "1.2.4.0", "!NotInPool"),
            Assign("s3 cannot grab a 255 buggy IP", s3, "1.2.4.255", "!NotInPool"),
            Assign("s3 can grab another IP in that pool", s3, "1.2.4.254", "1.2.4.254"),
            Assign("s4 takes an IP, with sharing", Svc("s4", "tcp/80", "sharing", "backend"), "1.2.4.3", "1.2.4.3"),
            Assign("s4 changes its sharing key in place", Svc("s4", "tcp/80", "share", "backend"), "1.2.4.3", "1.2.4.3"),
            Assign("s3 can't share with s4 (port conflict)", Svc("s3", "tcp/80", "share", "backend"), "1.2.4.3", "!PortConflict"),
            Assign("s3 can't share with s4 (wrong sharing key)", Svc("s3", "tcp/443", "othershare", "backend"), "1.2.4.3", "!SharingConflict"),
            Assign("s3 can't share with s4 (wrong backend key)", Svc("s3", "tcp/443", "share", "otherbackend"), "1.2.4.3", "!SharingConflict"),
            Assign("s3 takes the same IP as s4", Svc("s3", "tcp/443", "share", "backend"), "1.2.4.3", "1.2.4.3"),
            Assign("s3 can change its ports while keeping the same IP", Svc("s3", "udp/53", "share", "backend"), "1.2.4.3", "1.2.4.3"),
            Assign("s3 can't change its sharing key while keeping the same IP", Svc("s3", "tcp/443", "othershare", "backend"), "1.2.4.3", "!SharingConflict"),
            Assign("s3 can't change its backend key while keeping the same IP", Svc("s3", "tcp/443", "share", "otherbackend"), "1.2.4.3", "!SharingConflict"),
            Assign("s4 takes s3's former IP", Svc("s4"), "1.2.4.254", "1.2.4.254"));
    }

    [Fact]
    public void Assign_IPv6Steps_FollowMetalLb_AndAvoidBuggyIpsIsIPv4Only()
    {
        var s1 = Svc("s1");
        var s2 = Svc("s2");
        Run(NewAllocator(),
            Assign("ipv6 assign s1", s1, "1000::4", "1000::4"),
            Assign("s1 idempotent reassign", s1, "1000::4", "1000::4"),
            Assign("s2 can't grab s1's IP", s2, "1000::4", "!SharingConflict"),
            Assign("s2 can get the other IP", s2, "1000::4:5", "1000::4:5"),
            Assign("s1 now can't grab s2's IP", s1, "1000::4:5", "!SharingConflict"),
            Free("s1 frees its IP", "s1"),
            Assign("s2 can grab s1's former IP", s2, "1000::4", "1000::4"),
            Assign("s1 can now grab s2's former IP", s1, "1000::4:5", "1000::4:5"),
            Assign("s3 can grab an IP ending in ff: buggy IPs are IPv4 only", Svc("s3"), "1000::4:ff", "1000::4:ff"),
            Assign("s5 can grab an IP ending in 0 too", Svc("s5"), "1000::4:0", "1000::4:0"),
            Assign("s4 takes an IP, with sharing", Svc("s4", "tcp/80", "sharing", "backend"), "1000::4:3", "1000::4:3"),
            Assign("s4 changes its sharing key in place", Svc("s4", "tcp/80", "share", "backend"), "1000::4:3", "1000::4:3"),
            Assign("s3 can't share with s4 (port conflict)", Svc("s3", "tcp/80", "share", "backend"), "1000::4:3", "!PortConflict"),
            Assign("s3 can't share with s4 (wrong sharing key)", Svc("s3", "tcp/443", "othershare", "backend"), "1000::4:3", "!SharingConflict"),
            Assign("s3 takes the same IP as s4", Svc("s3", "tcp/443", "share", "backend"), "1000::4:3", "1000::4:3"),
            Assign("s3 can change its ports while keeping the same IP", Svc("s3", "udp/53", "share", "backend"), "1000::4:3", "1000::4:3"),
            Assign("s4 takes s3's former IP", Svc("s4"), "1000::4:ff", "1000::4:ff"));
    }

    [Fact]
    public void Assign_DualStackPair_MustComeFromOnePool()
    {
        var s1 = Svc("s1", family: ServiceFamily.DualStack, policy: FamilyPolicy.RequireDualStack);
        Run(NewAllocator(),
            Assign("ip dual-stack assign s1", s1, "1.2.3.4,1000::4", "1.2.3.4,1000::4"),
            Assign("ip dual-stack assign s1 from different pools", s1, "1.2.4.5,1000::4", "!NotInPool"),
            Assign("two addresses of one family", s1, "1.2.3.4,1.2.3.5", "!InvalidRequest"),
            Assign("s1 still holds its pair", s1, "1.2.3.4,1000::4", "1.2.3.4,1000::4"));
    }

    [Fact]
    public void Assign_PoolWithServiceAllocation_NeedsNamespaceAndSelectorBothToMatch()
    {
        Run(NewAllocator(),
            Assign("pool pinned on the same namespace", Svc("s1", ns: "test-ns1"), "1.2.5.10", "1.2.5.10"),
            Assign("pool pinned on another namespace", Svc("s1", ns: "testns-not-exist"), "1.2.5.10", "!PoolNotAllowed"),
            Assign("pool pinned on the same service label", Svc("s1", ns: "testns-not-exist", labels: "team=metallb"), "1.2.6.10", "1.2.6.10"),
            Assign("pool pinned on another service label", Svc("s1", ns: "testns-not-exist", labels: "team=red"), "1.2.6.10", "!PoolNotAllowed"),
            Assign("namespace and service label", Svc("s1", ns: "test-ns1", labels: "team=metallb"), "1.2.7.10", "1.2.7.10"),
            Assign("namespace but not its service label", Svc("s1", ns: "test-ns2", labels: "team=metallb"), "1.2.8.10", "!PoolNotAllowed"),
            Assign("service label but not its namespace", Svc("s1", ns: "testns-not-exist", labels: "foo=bar"), "1.2.8.10", "!PoolNotAllowed"));
    }

    [Fact]
    public void Assign_AutoAssignFalse_DoesNotLimitRequests()
    {
        var allocator = new Allocator([Pool("manual", "10.0.0.0/30") with { AutoAssign = false }]);
        Run(allocator,
            Any("no automatic address from it", Svc("a"), "!NoPool"),
            Assign("a requested one is fine", Svc("a"), "10.0.0.2", "10.0.0.2"),
            FromPool("and so is naming the pool", Svc("b"), "manual", "10.0.0.0"));
    }

    [Fact]
    public void Assign_Failures_NameTheAddressAndTheOtherService()
    {
        var allocator = new Allocator([Pool("public", "10.0.0.0/29") with { AvoidBuggyIps = true }]);
        Assert.True(allocator.Assign(Svc("infra/dns", "tcp/53,udp/53", "dns"), [System.Net.IPAddress.Parse("10.0.0.5")]).Succeeded);
        Assert.Equal("10.0.1.5 is in no pool", allocator.Assign(Svc("web/a"), [System.Net.IPAddress.Parse("10.0.1.5")]).Failure!.Message);
        Assert.Equal("10.0.0.0 is in no pool (pool `public` has avoidBuggyIPs, which leaves out addresses ending in .0 and .255)",
            allocator.Assign(Svc("web/a"), [System.Net.IPAddress.Parse("10.0.0.0")]).Failure!.Message);
        Assert.Equal("sharing key mismatch with infra/dns on 10.0.0.5 (\"web\" here, \"dns\" there)",
            allocator.Assign(Svc("web/a", "tcp/80", "web"), [System.Net.IPAddress.Parse("10.0.0.5")]).Failure!.Message);
        Assert.Equal("port 53/TCP already used on 10.0.0.5 by infra/dns",
            allocator.Assign(Svc("web/a", "tcp/53", "dns"), [System.Net.IPAddress.Parse("10.0.0.5")]).Failure!.Message);
        Assert.Equal("10.0.0.5 is used by infra/dns; this Service sets no allow-shared-ip key to share it",
            allocator.Assign(Svc("web/a", "tcp/80"), [System.Net.IPAddress.Parse("10.0.0.5")]).Failure!.Message);
    }
}
