using CloudIngress.Providers.MetalLb.Allocation;
using static CloudIngress.Providers.MetalLb.Tests.Allocation.AllocatorSteps;

namespace CloudIngress.Providers.MetalLb.Tests.Allocation;

/// <summary>Any pool (MetalLB's TestAllocation, TestBuggyIPs, TestAutoAssign): pool order, autoAssign, serviceAllocation and its priority.</summary>
public sealed class AllocatorAnyPoolTests
{
    private const ServiceFamily V4 = ServiceFamily.IPv4;
    private const ServiceFamily V6 = ServiceFamily.IPv6;
    private const ServiceFamily Dual = ServiceFamily.DualStack;

    [Theory]
    [InlineData(V4, "1.2.3.4", "1.2.3.5", "1.2.3.10", "1.2.3.11")]
    [InlineData(V6, "1000::4", "1000::5", "1000::10", "1000::11")]
    [InlineData(Dual, "1.2.3.4,1000::4", "1.2.3.5,1000::5", "1.2.3.10,1000::10", "1.2.3.11,1000::11")]
    public void Allocate_GeneralPoolsInNameOrder_ThenSharing(ServiceFamily family, string first, string second, string third, string fourth)
    {
        var policy = family == Dual ? FamilyPolicy.RequireDualStack : FamilyPolicy.SingleStack;
        AllocationRequest S(string key, string ports = "", string sharing = "") => Svc(key, ports, sharing, family: family, policy: policy);
        Run(new Allocator([Pool("test2", "1.2.3.10/31", "1000::10/127"), Pool("test1", "1.2.3.4/31", "1000::4/127")]),
            Any("s1 gets one from test1, first by name", S("s1"), first),
            Any("s2 gets one", S("s2"), second),
            Any("s3 gets one from test2", S("s3"), third),
            Any("s4 gets one", S("s4"), fourth),
            Any("s5 can't get one", S("s5"), "!PoolExhausted"),
            Any("s6 can't get one", S("s6"), "!PoolExhausted"),
            Free("s1 gives up its address", "s1"),
            Any("s5 can now get one", S("s5", "tcp/80", "share"), first),
            Any("s6 still can't get one", S("s6"), "!PoolExhausted"),
            Any("s6 can get one with sharing", S("s6", "tcp/443", "share"), first));
    }

    [Fact]
    public void Allocate_BuggyIps_AreAvoidedOnlyWhereAsked() =>
        Run(new Allocator([
                Pool("test", "1.2.3.0/31"),
                Pool("test2", "1.2.3.254/31"),
                Pool("test3", "1.2.4.0/31") with { AvoidBuggyIps = true },
                Pool("test4", "1.2.4.254/31") with { AvoidBuggyIps = true },
            ]),
            Any("s1", Svc("s1"), "1.2.3.0"),
            Any("s2", Svc("s2"), "1.2.3.1"),
            Any("s3", Svc("s3"), "1.2.3.254"),
            Any("s4", Svc("s4"), "1.2.3.255"),
            Any("s5 skips 1.2.4.0", Svc("s5"), "1.2.4.1"),
            Any("s6 skips 1.2.4.255", Svc("s6"), "1.2.4.254"),
            Any("s7 finds nothing", Svc("s7"), "!PoolExhausted"));

    [Fact]
    public void Allocate_AutoAssignFalse_IsNeverChosen()
    {
        var allocator = new Allocator([Pool("test1", "1.2.3.4/31", "1000::4/127") with { AutoAssign = false }, Pool("test2", "1.2.3.10/31", "1000::10/127")]);
        Run(allocator,
            Any("s1", Svc("s1"), "1.2.3.10"),
            Any("s2", Svc("s2"), "1.2.3.11"),
            Any("s3 finds test2 exhausted and test1 manual", Svc("s3"), "!PoolExhausted"),
            Free("s1 clears", "s1"),
            Free("s2 clears", "s2"),
            Any("s1 IPv6", Svc("s1", family: V6), "1000::10"),
            Any("s2 IPv6", Svc("s2", family: V6), "1000::11"),
            Any("s3 IPv6", Svc("s3", family: V6), "!PoolExhausted"),
            Any("s1 holding an IPv6 keeps it", Svc("s1", family: Dual), "1000::10"),
            Any("s3 dual-stack with SingleStack policy", Svc("s3", family: Dual), "!PoolExhausted"));
    }

    [Fact]
    public void Allocate_ServiceAllocation_PrioritiesThenUnsetThenGeneralPools()
    {
        var allocator = new Allocator([
            Pool("general", "10.9.0.0/31"),
            Pool("unset", "10.3.0.0/32").For(namespaces: ["shop"]),
            Pool("second", "10.2.0.0/32").For(2, ["shop"]),
            Pool("first", "10.1.0.0/32").For(1, serviceLabel: "team=web"),
            Pool("other-team", "10.4.0.0/32").For(1, serviceLabel: "team=db"),
            Pool("manual", "10.5.0.0/32").For(1, ["shop"]) with { AutoAssign = false },
        ]);
        AllocationRequest Shop(string name) => Svc("shop/" + name, ns: "shop", labels: "team=web");
        Run(allocator,
            Any("priority 1 first", Shop("a"), "10.1.0.0"),
            Any("then priority 2", Shop("b"), "10.2.0.0"),
            Any("then the pool without priority", Shop("c"), "10.3.0.0"),
            Any("then the general pool", Shop("d"), "10.9.0.0"),
            Any("a Service no pool picks goes to the general pool", Svc("web/x", ns: "web"), "10.9.0.1"),
            Any("and a pool with serviceAllocation is never a general one", Svc("web/y", ns: "web"), "!PoolExhausted"));
        Assert.Equal("pools `first`, `second`, `unset`, `general` are exhausted", allocator.Allocate(Shop("e")).Failure!.Message);
    }

    [Fact]
    public void Allocate_EqualPriorities_GoByPoolName() =>
        Run(new Allocator([Pool("b", "10.2.0.0/32").For(5, ["shop"]), Pool("a", "10.1.0.0/32").For(5, ["shop"])]),
            Any("a before b", Svc("shop/x", ns: "shop"), "10.1.0.0"),
            Any("then b", Svc("shop/y", ns: "shop"), "10.2.0.0"));

    [Fact]
    public void Allocate_NamespaceAndSelectorBothSet_BothMustMatchToPin() =>
        Run(new Allocator([Pool("strict", "10.1.0.0/32").For(1, ["shop"], "team=web"), Pool("general", "10.9.0.0/32")]),
            Any("namespace only does not pin", Svc("shop/a", ns: "shop"), "10.9.0.0"),
            Any("both pin", Svc("shop/b", ns: "shop", labels: "team=web"), "10.1.0.0"));

    [Fact]
    public void Allocate_KeyedService_JoinsASharedAddressBeforeAFreeOne()
    {
        var allocator = new Allocator([Pool("p", "10.0.0.0/29")]);
        Run(allocator,
            Any("a", Svc("a"), "10.0.0.0"),
            Assign("dns asks for a higher address", Svc("dns", "tcp/53", "dns"), "10.0.0.5", "10.0.0.5"),
            Any("dns-udp shares it rather than take 10.0.0.1", Svc("dns-udp", "udp/53", "dns"), "10.0.0.5"),
            Any("the same port and protocol cannot share", Svc("dns-2", "tcp/53", "dns"), "10.0.0.1"),
            Any("no key, no sharing", Svc("web", "tcp/80"), "10.0.0.2"));
    }

    [Fact]
    public void Allocate_LocalTrafficPolicy_SharesOnlyWithTheSameSelector() =>
        Run(new Allocator([Pool("p", "10.0.0.0/30")]),
            Any("a (Local, app=x)", Svc("a", "tcp/80", "k", "app=x"), "10.0.0.0"),
            Any("b (Local, app=y) cannot join", Svc("b", "tcp/81", "k", "app=y"), "10.0.0.1"),
            Any("c (Local, app=x) joins a", Svc("c", "tcp/82", "k", "app=x"), "10.0.0.0"),
            Any("d (Cluster) cannot join a Local one with a selector", Svc("d", "tcp/83", "k"), "10.0.0.2"));

    [Fact]
    public void Allocate_PreferDualStack_PrefersAPoolWithBothFamilies()
    {
        var pools = new[] { Pool("a-v4", "10.0.0.0/31"), Pool("b-dual", "10.1.0.0/31", "fd00::/127"), Pool("c-v6", "fd01::/127") };
        Run(new Allocator(pools),
            Any("prefer: the pool with both", Svc("s1", family: Dual, policy: FamilyPolicy.PreferDualStack), "10.1.0.0,fd00::"),
            Any("require: the pool with both", Svc("s2", family: Dual, policy: FamilyPolicy.RequireDualStack), "10.1.0.1,fd00::1"),
            Any("require: none left", Svc("s3", family: Dual, policy: FamilyPolicy.RequireDualStack), "!PoolExhausted"),
            Any("prefer: the first with the primary family", Svc("s4", family: Dual, policy: FamilyPolicy.PreferDualStack), "10.0.0.0"),
            Any("prefer, IPv6 primary", Svc("s5", family: Dual, policy: FamilyPolicy.PreferDualStack, primary: IpFamily.IPv6), "fd01::"));
    }

    [Fact]
    public void Allocate_NoPools_OrNoneForTheService_SaysSo()
    {
        Assert.Equal("there is no IPAddressPool", new Allocator([]).Allocate(Svc("a")).Failure!.Message);
        var allocator = new Allocator([Pool("manual", "10.0.0.0/32") with { AutoAssign = false }, Pool("team", "10.1.0.0/32").For(namespaces: ["team"])]);
        Assert.Equal("no pool assigns addresses to this Service automatically: `manual` has autoAssign: false; `team` is only for namespaces team",
            allocator.Allocate(Svc("web/a", ns: "web")).Failure!.Message);
        Assert.Equal("pool `team` has no IPv6 addresses", allocator.Allocate(Svc("team/a", ns: "team", family: V6)).Failure!.Message);
    }

    [Fact]
    public void AllocateAdditionalFamily_AddsTheOtherFamilyFromTheSamePool() =>
        Run(new Allocator([Pool("v4", "10.0.0.0/32"), Pool("dual", "10.1.0.0/32", "fd00::/127")]),
            Assign("replayed IPv4", Svc("s", family: Dual, policy: FamilyPolicy.PreferDualStack), "10.1.0.0", "10.1.0.0"),
            new("the IPv6 joins it", a => a.AllocateAdditionalFamily(Svc("s", family: Dual, policy: FamilyPolicy.PreferDualStack)), "10.1.0.0,fd00::"),
            Assign("another replayed IPv4", Svc("t", family: Dual, policy: FamilyPolicy.PreferDualStack), "10.0.0.0", "10.0.0.0"),
            new("its pool has no IPv6", a => a.AllocateAdditionalFamily(Svc("t", family: Dual, policy: FamilyPolicy.PreferDualStack)), "!PoolExhausted"));
}
