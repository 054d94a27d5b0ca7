using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;
using static CloudIngress.Providers.MetalLb.Tests.Manifests;

namespace CloudIngress.Providers.MetalLb.Tests;

/// <summary>The provider behind the contract: its flags, its plan as the generic verbs print it, and what apply and destroy do before the cluster writes exist.</summary>
public sealed class MetalLbProviderTests : IDisposable
{
    private static readonly ClusterSnapshot Snapshot = Read(Pool("public", "10.0.0.0/30"), L2, Svc("infra", "dns"), ShopIngress);

    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-metallb-").FullName;

    [Fact]
    public void Options_AllStartWithTheProvidersName()
    {
        var definition = new MetalLbProviderDefinition();
        Assert.Equal("metallb", definition.Name);
        Assert.All(definition.Options, o => Assert.StartsWith("--metallb-", o.Flag, StringComparison.Ordinal));
        Assert.Contains(definition.Options, o => o.Flag == "--metallb-config");
    }

    [Theory]
    [InlineData("--metallb-external-traffic-policy", "Sometimes", "--metallb-external-traffic-policy: \"Sometimes\" is not Local or Cluster")]
    [InlineData("--metallb-proxy-selector", "app", "--metallb-proxy-selector: \"app\" is not key=value")]
    [InlineData("--metallb-load-balancer-ips", "10.0.0.1,nope", "--metallb-load-balancer-ips: \"nope\" is not an IP address")]
    [InlineData("--metallb-config", "/nonexistent/pools.yaml", "--metallb-config: ")]
    public void Configure_BadFlag_IsAnErrorNamingIt(string flag, string value, string error)
    {
        var configured = Configure(new Dictionary<string, string> { [flag] = value });
        Assert.Null(configured.Provider);
        Assert.StartsWith(error, configured.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_ObservesTheObjectsTheVerbRead()
    {
        using var provider = Configure([], () => Snapshot).Provider!;
        var plan = await provider.PlanAsync(Model(Snapshot), CancellationToken.None);
        Assert.Equal("metallb", plan.Provider);
        var assignments = plan.Resources["assignments"]!.AsArray();
        Assert.Equal(["cloudingress/cloudingress-proxy", "infra/dns"], assignments.Select(a => $"{a!["namespace"]}/{a["name"]}"));
        Assert.Equal("public", (string?)assignments[0]!["pool"]);
        Assert.Equal(["10.0.0.0"], assignments[0]!["addresses"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(4, assignments[0]!.AsObject().Count);
        Assert.Equal("cloudingress-proxy", (string?)plan.Resources["services"]![0]!["metadata"]!["name"]);
        Assert.Contains("  infra/dns: pool public 10.0.0.1", plan.Text);
        Assert.Equal("+ ApplyService cloudingress/cloudingress-proxy", Assert.Single(plan.Operations).ToString());
        Assert.Empty(plan.Notes);
    }

    [Fact]
    public async Task PlanAsync_SharedServiceFlags_AskMetalLbForTheAddress()
    {
        using var provider = Configure(new Dictionary<string, string> { ["--metallb-load-balancer-ips"] = "10.0.0.3", ["--metallb-proxy-namespace"] = "edge" }, () => Snapshot).Provider!;
        var plan = await provider.PlanAsync(Model(Snapshot), CancellationToken.None);
        var proxy = plan.Resources["assignments"]!.AsArray().Single(a => (string?)a!["name"] == "cloudingress-proxy")!;
        Assert.Equal("edge", (string?)proxy["namespace"]);
        Assert.Equal("10.0.0.3", (string?)proxy["addresses"]![0]);
    }

    [Fact]
    public async Task ApplyAsync_ReturnsThePredictedAddresses_AndSaysNothingIsWrittenYet()
    {
        using var provider = Configure([], () => Snapshot).Provider!;
        var result = await provider.ApplyAsync(Model(Snapshot), fullResync: true, CancellationToken.None);
        Assert.Equal(["10.0.0.0"], result.ByFrontend["ingress/default"]);
        Assert.Empty(result.Executed);
        Assert.Equal(MetalLbProvider.NotWrittenYet, result.Warnings[0]);
        Assert.Equal("not applied: + ApplyService cloudingress/cloudingress-proxy", result.Warnings[1]);
    }

    [Fact]
    public async Task DestroyAsync_ListsTheOwnedObjectsItWouldDelete()
    {
        File.WriteAllText(Path.Combine(_dir, "pools.yaml"), Pool("code", "10.9.0.0/31"));
        var observed = Read(Svc("cloudingress", "cloudingress-proxy", labels: "{app.kubernetes.io/managed-by: cloudingress}"),
            Pool("code", "10.9.0.0/31").Replace("namespace: metallb-system}", "namespace: metallb-system, labels: {app.kubernetes.io/managed-by: cloudingress}}", StringComparison.Ordinal));
        using var provider = Configure(new Dictionary<string, string> { ["--metallb-config"] = Path.Combine(_dir, "pools.yaml") }, () => observed).Provider!;
        var result = await provider.DestroyAsync(CancellationToken.None);
        Assert.Equal([MetalLbProvider.NotWrittenYet, "not deleted: - DeleteIPAddressPool metallb-system/code", "not deleted: - DeleteService cloudingress/cloudingress-proxy"], result.Warnings);
    }

    [Fact]
    public async Task PlanAsync_WithoutObjects_SaysItPlannedBlind()
    {
        using var provider = Configure([]).Provider!;
        var plan = await provider.PlanAsync(Model(Snapshot), CancellationToken.None);
        Assert.Single(plan.Notes);
        Assert.Equal(ProviderScope.Leader, provider.Scope);
        Assert.False(provider.OwnsCloudResources);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ProviderConfiguration Configure(Dictionary<string, string> flags, Func<ClusterSnapshot>? snapshot = null) =>
        new MetalLbProviderDefinition().Configure(new ProviderSettings { Verb = ProviderVerb.Plan, Values = new ProviderOptionValues(flags), Snapshot = snapshot });
}
