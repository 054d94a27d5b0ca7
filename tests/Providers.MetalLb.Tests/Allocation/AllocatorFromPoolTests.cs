using CloudIngress.Providers.MetalLb.Allocation;
using static CloudIngress.Providers.MetalLb.Tests.Allocation.AllocatorSteps;

namespace CloudIngress.Providers.MetalLb.Tests.Allocation;

/// <summary>A named pool (MetalLB's TestPoolAllocation): ranges in order, exhaustion, sharing, families; it never falls back.</summary>
public sealed class AllocatorFromPoolTests
{
    private const ServiceFamily V4 = ServiceFamily.IPv4;
    private const ServiceFamily V6 = ServiceFamily.IPv6;
    private const ServiceFamily Dual = ServiceFamily.DualStack;

    // Most steps take from "test" only, so it runs out though the other pools have plenty.
    private static Allocator NewAllocator() => new([
        Pool("not_this_one", "192.168.0.0/16", "fc00::1:0/112"),
        Pool("test", "1.2.3.4/31", "1.2.3.10/31", "1000::/127", "2000::/127"),
        Pool("test2", "10.20.30.0/24", "fc00::2:0/120"),
        Pool("test-v4", "1.2.3.4/31", "1.2.3.10/31"),
        Pool("test-v6", "1000::/127", "2000::/127"),
        Pool("test-dualstack", "1.2.3.4/31", "1.2.3.10/31", "1000::/127", "2000::/127"),
    ]);

    [Theory]
    [InlineData(V4, "1.2.3.4", "1.2.3.5", "1.2.3.10", "1.2.3.11")]
    [InlineData(V6, "1000::", "1000::1", "2000::", "2000::1")]
    [InlineData(Dual, "1.2.3.4,1000::", "1.2.3.5,1000::1", "1.2.3.10,2000::", "1.2.3.11,2000::1")]
    public void AllocateFromPool_UntilExhausted_ThenSharing(ServiceFamily family, string first, string second, string third, string fourth)
    {
        var policy = family == Dual ? FamilyPolicy.RequireDualStack : FamilyPolicy.SingleStack;
        AllocationRequest S(string key, string ports = "", string sharing = "") => Svc(key, ports, sharing, family: family, policy: policy);
        Run(NewAllocator(),
            FromPool("s1 gets one", S("s1"), "test", first),
            FromPool("s2 gets one", S("s2"), "test", second),
            FromPool("s3 gets one, from the second range of its family", S("s3"), "test", third),
            FromPool("s4 gets one", S("s4"), "test", fourth),
            FromPool("s5 can't get one", S("s5"), "test", "!PoolExhausted"),
            FromPool("s6 can't get one", S("s6"), "test", "!PoolExhausted"),
            Free("s1 releases its address", "s1"),
            FromPool("s5 can now grab s1's former address", S("s5"), "test", first),
            FromPool("s6 still can't get one", S("s6"), "test", "!PoolExhausted"),
            Free("s5 unassigns in prep for enabling sharing", "s5"),
            FromPool("s5 enables sharing", S("s5", "tcp/80", "share"), "test", first),
            FromPool("s6 can get one now, with sharing", S("s6", "tcp/443", "share"), "test", first));
    }

    [Fact]
    public void AllocateFromPool_HoldingAnotherFamily_IsRefused()
    {
        Run(NewAllocator(),
            FromPool("s1 gets an IPv4", Svc("s1"), "test", "1.2.3.4"),
            FromPool("s1 asks for an IPv6 while holding an IPv4", Svc("s1", family: V6), "test", "!InvalidRequest"),
            FromPool("s1 asks again for its IPv4", Svc("s1"), "test-v4", "1.2.3.4"));
    }

    [Fact]
    public void AllocateFromPool_PreferDualStack_TakesWhatThePoolHas()
    {
        AllocationRequest S(string key, ServiceFamily family) => Svc(key, family: family, policy: FamilyPolicy.PreferDualStack);
        Run(NewAllocator(),
            FromPool("s1 gets dual-stack IPs", S("s1", Dual), "test", "1.2.3.4,1000::"),
            FromPool("s2 gets an IPv4 from a v4 pool", S("s2", V4), "test-v4", "1.2.3.5"),
            FromPool("s3 gets an IPv6 from a v6 pool", S("s3", V6), "test-v6", "1000::1"),
            FromPool("s4 dual-stack from a v4-only pool gets an IPv4", S("s4", Dual), "test-v4", "1.2.3.10"),
            Free("s2 releases", "s2"),
            FromPool("s3 holding an IPv6 keeps it", S("s3", Dual), "test-dualstack", "1000::1"));
    }

    [Fact]
    public void AllocateFromPool_UnknownOrTooSmall_NeverFallsBack()
    {
        var allocator = new Allocator([Pool("small", "10.0.0.0/32"), Pool("big", "10.1.0.0/16")]);
        Run(allocator,
            FromPool("s1 takes the only address", Svc("s1"), "small", "10.0.0.0"),
            FromPool("s2 finds the pool exhausted, though big has room", Svc("s2"), "small", "!PoolExhausted"),
            FromPool("a pool that does not exist", Svc("s5"), "nonexistentpool", "!PoolNotFound"),
            FromPool("a pool without the family", Svc("s6", family: V6), "big", "!NoPool"));
        Assert.Equal("pool `small` is exhausted", allocator.AllocateFromPool(Svc("s2"), "small").Failure!.Message);
        Assert.Equal("pool `big` has no IPv6 addresses", allocator.AllocateFromPool(Svc("s6", family: V6), "big").Failure!.Message);
    }

    [Fact]
    public void AllocateFromPool_RangesAreWalkedInSpecOrder_RangeNotationIncluded()
    {
        var allocator = new Allocator([Pool("p", "10.0.0.10-10.0.0.11", "10.0.0.0/31", "fd00::5-fd00::6")]);
        Run(allocator,
            FromPool("first range first", Svc("a"), "p", "10.0.0.10"),
            FromPool("then its end", Svc("b"), "p", "10.0.0.11"),
            FromPool("then the CIDR, network address included", Svc("c"), "p", "10.0.0.0"),
            FromPool("an IPv6 range", Svc("d", family: V6), "p", "fd00::5"));
    }

    [Fact]
    public void AllocateFromPool_AServiceAllocationThatExcludesTheService_IsRefused() =>
        Run(new Allocator([Pool("team", "10.0.0.0/30").For(namespaces: ["team-a"])]),
            FromPool("another namespace", Svc("b", ns: "team-b"), "team", "!PoolNotAllowed"),
            FromPool("its namespace", Svc("a", ns: "team-a"), "team", "10.0.0.0"));
}
