using CloudIngress.Core.Diagnostics;
using static CloudIngress.Providers.MetalLb.Tests.Manifests;

namespace CloudIngress.Providers.MetalLb.Tests.Planning;

/// <summary>
/// MetalLB's TestControllerMutation: one Service at a time against a fixed set of pools, and what
/// its status would become (addresses, or Pending with a reason). Cluster IPs are ipFamilies here,
/// and pool5 no longer overlaps pool1 and pool3 (MetalLB's configuration refuses overlaps).
/// </summary>
public sealed class ControllerCaseTests
{
    private static readonly string[] Pools =
    [
        Pool("pool1", "1.2.3.0/31"),
        Pool("pool2", "3.4.5.6/32", "  autoAssign: false"),
        Pool("pool3", "1000::/127"),
        Pool("pool4", "2000::1/128", "  autoAssign: false"),
        Pool("pool5", "1.2.3.4/31, 1000::4/127"),
        Pool("pool6", "7.8.9.0/31", "  serviceAllocation: {namespaces: [test-ns1], priority: 10}"),
        Pool("pool7", "10.11.12.0/31", "  serviceAllocation: {namespaces: [test-ns1], priority: 11}"),
        Pool("pool8", "13.14.15.0/31", "  serviceAllocation: {serviceSelectors: [{matchLabels: {team: metallb}}], priority: 9}"),
        Pool("pool9", "16.17.18.0/31", "  serviceAllocation: {namespaces: [test-ns2]}"),
        Pool("pool10", "19.20.21.0/31", "  serviceAllocation: {serviceSelectors: [{matchLabels: {team: metallb}}], priority: 8}"),
        Pool("pool11", "22.23.24.0/31", "  serviceAllocation: {namespaces: [test-ns1], serviceSelectors: [{matchLabels: {team: metallb}}], priority: 8}"),
        Pool("pool12", "25.26.27.0/31", "  serviceAllocation: {namespaces: [test-ns1], serviceSelectors: [{matchLabels: {team: metallb}}], priority: 5}"),
        L2,
    ];

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "simple LoadBalancer", Svc("default", "test"), "1.2.3.0" },
        { "request specific IP", Svc("default", "test", spec: "  loadBalancerIP: 1.2.3.1"), "1.2.3.1" },
        { "request specific IP via custom annotation", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: 1.2.3.1}"), "1.2.3.1" },
        { "request IP from both spec.loadBalancerIP and custom annotation", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: 1.2.3.1}", spec: "  loadBalancerIP: 1.2.3.2"), "!AddressRequestInvalid" },
        { "request invalid IP", Svc("default", "test", spec: "  loadBalancerIP: please sir may I have an IP address thank you"), "!AddressRequestInvalid" },
        { "incompatible ip and address pool annotations", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: 1.2.3.1, metallb.io/address-pool: pool2}"), "!AddressRequestInvalid" },
        { "request invalid IP via custom annotation", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: not-an-ip}"), "!AddressRequestInvalid" },
        { "request two IPs from same ip family via custom annotation", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: \"1.2.3.1,1.2.3.2\"}"), "!AddressRequestInvalid" },
        { "request infeasible IP", Svc("default", "test", spec: "  loadBalancerIP: 1.2.3.4", status: "1.2.3.1"), "1.2.3.4" },
        { "request an IP in no pool", Svc("default", "test", spec: "  loadBalancerIP: 9.9.9.9", status: "1.2.3.1"), "!AddressNotInPool" },
        { "request IP from specific pool", Svc("default", "test", annotations: "{metallb.io/address-pool: pool1}"), "1.2.3.0" },
        { "switch to a different specific pool", Svc("default", "test", annotations: "{metallb.io/address-pool: pool2}", status: "1.2.3.0"), "3.4.5.6" },
        { "unknown pool requested", Svc("default", "test", annotations: "{metallb.io/address-pool: does-not-exist}"), "!AddressPoolNotFound" },
        { "invalid IP assigned", Svc("default", "test", status: "2.3.4.5"), "1.2.3.0" },
        { "request layer2 service (a manual pool, by address)", Svc("default", "test", spec: "  loadBalancerIP: 3.4.5.6"), "3.4.5.6" },
        { "Layer2 service with local traffic policy", Svc("default", "test", spec: "  loadBalancerIP: 3.4.5.6\n  externalTrafficPolicy: Local"), "3.4.5.6" },
        { "request IP from wrong ip-family (ipv4)", Svc("default", "test", spec: "  loadBalancerIP: 1.2.3.1\n  ipFamilies: [IPv6]"), "!AddressRequestInvalid" },
        { "request IP from wrong ip-family (ipv4) via custom annotation", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: 1.2.3.1}", spec: "  ipFamilies: [IPv6]"), "!AddressRequestInvalid" },
        { "request IP from wrong ip-family (ipv6)", Svc("default", "test", spec: "  loadBalancerIP: \"1000::\""), "!AddressRequestInvalid" },
        { "IP from wrong ip-family (ipv6) assigned", Svc("default", "test", status: "1000::"), "1.2.3.0" },
        { "IP from wrong ip-family (ipv4) assigned", Svc("default", "test", spec: "  ipFamilies: [IPv6]", status: "1.2.3.0"), "1000::" },
        { "simple dual-stack LoadBalancer", Svc("default", "test", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: RequireDualStack"), "1.2.3.4,1000::4" },
        { "request IPs from specific pool", Svc("default", "test", annotations: "{metallb.io/address-pool: pool5}", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: RequireDualStack"), "1.2.3.4,1000::4" },
        { "simple dual-stack LoadBalancer with PreferDualStack policy", Svc("default", "test", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: PreferDualStack"), "1.2.3.4,1000::4" },
        { "single-stack LoadBalancer with PreferDualStack policy", Svc("test-ns1", "test", spec: "  ipFamilies: [IPv4]\n  ipFamilyPolicy: PreferDualStack"), "7.8.9.0" },
        { "request IP from single-stack ipv4 pool with PreferDualStack policy", Svc("default", "test", annotations: "{metallb.io/address-pool: pool1}", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: PreferDualStack"), "1.2.3.0" },
        { "request IP from single-stack ipv6 pool with PreferDualStack policy", Svc("default", "test", annotations: "{metallb.io/address-pool: pool3}", spec: "  ipFamilies: [IPv6]\n  ipFamilyPolicy: PreferDualStack"), "1000::" },
        { "request specific loadbalancer IP with dual-stack", Svc("default", "test", spec: "  loadBalancerIP: 1.2.3.1\n  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: PreferDualStack"), "!AddressRequestInvalid" },
        { "request dual-stack loadbalancer IPs via custom annotation", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: \"1.2.3.5,1000::5\"}", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: RequireDualStack"), "1.2.3.5,1000::5" },
        { "request a dual-stack pair from two pools", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: \"1.2.3.0,1000::\"}", spec: "  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: RequireDualStack"), "!AddressNotInPool" },
        { "request dual-stack loadbalancer with invalid ingress", Svc("default", "test", spec: "  ipFamilies: [IPv6, IPv4]\n  ipFamilyPolicy: RequireDualStack", status: "1000::"), "1.2.3.4,1000::4" },
        { "request dual-stack loadbalancer IPs via custom annotation in a single stack cluster", Svc("default", "test", annotations: "{metallb.io/loadBalancerIPs: \"1.2.3.0,1000::\"}"), "!AddressRequestInvalid" },
        { "request IP for service from namespace specific ip pool", Svc("test-ns1", "test"), "7.8.9.0" },
        { "request IP for service from no priority namespace specific ip pool", Svc("test-ns2", "test"), "16.17.18.0" },
        { "request IP for service from service label specific ip pool", Svc("default", "test", labels: "{team: metallb}"), "19.20.21.0" },
        { "request IP for service from ip pool having both namespace and service label", Svc("test-ns1", "test", labels: "{team: metallb}"), "25.26.27.0" },
        { "ips already assigned but can't determine family", Svc("default", "test", status: "1.2.3.0,1.2.3.1,1.2.3.2"), "1.2.3.0" },
        { "RequireDualStack with one family", Svc("default", "test", spec: "  ipFamilies: [IPv4]\n  ipFamilyPolicy: RequireDualStack"), "!AddressRequestInvalid" },
        { "two families without a dual-stack policy", Svc("default", "test", spec: "  ipFamilies: [IPv4, IPv6]"), "!AddressRequestInvalid" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_OneService_GetsWhatMetalLbWouldGive(string description, string service, string want)
    {
        var plan = Plan(Read([.. Pools, service]));
        var got = plan.Addresses(Assert.Single(plan.Assignments).Service.Key);
        if (want.StartsWith('!'))
        {
            Assert.True(got == "Pending", $"{description}: want {want}, got {got}");
            var error = Assert.Single(plan.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.True(error.Code == want[1..], $"{description}: want {want}, got {error}");
            Assert.StartsWith("stays Pending: ", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(got == want, $"{description}: want {want}, got {got}");
            Assert.DoesNotContain(plan.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        }
    }
}
