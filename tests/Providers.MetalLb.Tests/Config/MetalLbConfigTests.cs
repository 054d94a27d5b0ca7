using CloudIngress.Providers.MetalLb.Config;

namespace CloudIngress.Providers.MetalLb.Tests.Config;

/// <summary>Pools as code: the file is checked whole, and a problem names the file, the document, the object and the field.</summary>
public sealed class MetalLbConfigTests
{
    [Fact]
    public void Parse_PoolsAndAdvertisements_WithoutNamespace_GoToMetalLbs()
    {
        var (config, error) = MetalLbConfig.Parse("""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: public}
            spec: {addresses: [192.0.2.0/28], autoAssign: true}
            ---
            apiVersion: metallb.io/v1beta1
            kind: BGPAdvertisement
            metadata: {name: bgp, namespace: elsewhere}
            spec: {ipAddressPools: [public]}
            """, "pools.yaml", "metallb-system");
        Assert.Null(error);
        Assert.Equal("metallb-system", Assert.Single(config!.Pools).Metadata.Namespace);
        Assert.Equal("elsewhere", Assert.Single(config.BGPAdvertisements).Metadata.Namespace);
    }

    [Theory]
    [InlineData("spec: {addresses: [192.0.2.0/33]}", "pools.yaml, document 1: IPAddressPool metallb-system/public spec.addresses[0]: \"192.0.2.0/33\" is neither a CIDR nor a range a-b")]
    [InlineData("spec: {addresses: []}", "pools.yaml, document 1: IPAddressPool metallb-system/public spec.addresses: the pool has no addresses")]
    [InlineData("spec: {addresses: [192.0.2.0/28], autoAssign: maybe}", "pools.yaml, document 1: IPAddressPool metallb-system/public: field spec.autoAssign: expected true or false")]
    [InlineData("spec: {addresses: [192.0.2.0/28], serviceAllocation: {namespaces: [a, a]}}", "spec.serviceAllocation.namespaces: namespace a is listed twice")]
    [InlineData("spec: {addresses: [192.0.2.0/28], serviceAllocation: {serviceSelectors: [{matchExpressions: [{key: k, operator: Is}]}]}}",
        "spec.serviceAllocation.serviceSelectors[0]: matchExpressions[0] operator \"Is\" is not In, NotIn, Exists or DoesNotExist")]
    public void Parse_BadPool_IsRefusedNamingFileDocumentAndField(string spec, string expected)
    {
        var (config, error) = MetalLbConfig.Parse($"apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {{name: public}}\n{spec}\n", "pools.yaml", "metallb-system");
        Assert.Null(config);
        Assert.StartsWith("--metallb-config: pools.yaml, document 1: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverlappingPools_AreRefused()
    {
        var (_, error) = MetalLbConfig.Parse("""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: a}
            spec: {addresses: [10.0.0.0/24]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: b}
            spec: {addresses: [10.0.0.128-10.0.1.5]}
            """, "pools.yaml", "metallb-system");
        Assert.Contains("pools.yaml, document 2: IPAddressPool metallb-system/b spec.addresses[0]: 10.0.0.128-10.0.1.5 overlaps 10.0.0.0/24 of pool a", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n", "only IPAddressPool, L2Advertisement and BGPAdvertisement belong in --metallb-config")]
    [InlineData("apiVersion: metallb.io/v1beta2\nkind: IPAddressPool\nmetadata: {name: x}\n", "v1beta2 is not supported for IPAddressPool; use metallb.io/v1beta1")]
    [InlineData("kind: [\n", "is not valid YAML")]
    [InlineData("# nothing\n", "declares no IPAddressPool, L2Advertisement or BGPAdvertisement")]
    public void Parse_NotPools_IsRefused(string text, string expected)
    {
        var (config, error) = MetalLbConfig.Parse(text, "pools.yaml", "metallb-system");
        Assert.Null(config);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNamingTheFlag()
    {
        var (config, error) = MetalLbConfig.Load("/nonexistent/pools.yaml", "metallb-system");
        Assert.Null(config);
        Assert.StartsWith("--metallb-config: ", error, StringComparison.Ordinal);
    }
}
