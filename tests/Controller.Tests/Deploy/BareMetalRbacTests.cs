using CloudIngress.Kubernetes.Client;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Tests;
using System.Text.Json.Nodes;

namespace CloudIngress.Controller.Tests.Deploy;

/// <summary>
/// deploy/bare-metal/: what <c>--provider metallb</c> needs beyond deploy/10-rbac.yaml, and no
/// more. That it is enough is proven by tests/EndToEnd's MetalLB scenarios, which run the
/// controller held to these rules; here, that it grants exactly the calls the provider's code
/// makes (its writer and its informers), to deploy/'s ServiceAccount.
/// </summary>
public sealed class BareMetalRbacTests
{
    private static readonly List<JsonObject> Objects = Read("deploy", "bare-metal");

    [Fact]
    public void BareMetal_HoldsOneClusterRoleAndItsBinding_ToDeploysServiceAccount()
    {
        Assert.Equal(["ClusterRole", "ClusterRoleBinding"], Objects.Select(o => (string)o["kind"]!));
        var role = Single("ClusterRole");
        var binding = Single("ClusterRoleBinding");
        Assert.Equal("cloudingress-metallb", (string?)role["metadata"]!["name"]);
        Assert.Equal(((string?)role["kind"], (string?)role["metadata"]!["name"]), ((string?)binding["roleRef"]!["kind"], (string?)binding["roleRef"]!["name"]));
        var account = Read("deploy").Single(o => (string?)o["kind"] == "ServiceAccount")["metadata"]!;
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(("ServiceAccount", (string?)account["name"], (string?)account["namespace"]),
            ((string?)subject["kind"], (string?)subject["name"], (string?)subject["namespace"]));
    }

    [Fact]
    public void BareMetal_GrantsExactlyWhatTheProviderCalls()
    {
        var granted = Single("ClusterRole")["rules"]!.AsArray().Select(r => r!.AsObject())
            .SelectMany(r => Strings(r, "apiGroups").SelectMany(g => Strings(r, "resources").SelectMany(res => Strings(r, "verbs").Select(v => $"{v} {g}/{res}"))))
            .Order(StringComparer.Ordinal).ToList();
        Assert.DoesNotContain(granted, g => g.Contains('*', StringComparison.Ordinal));
        Assert.All(Single("ClusterRole")["rules"]!.AsArray(), r => Assert.Null(r!["nonResourceURLs"]));

        // ClusterWriter: get before each write (the ownership check), server-side apply (a patch,
        // authorized as create when the object is new), delete of owned objects no longer needed.
        string[] written = ["get", "create", "patch", "delete"];
        var metalLb = new[] { MetalLb.IPAddressPools, MetalLb.L2Advertisements, MetalLb.BgpAdvertisements };
        var expected = written.Select(v => $"{v} /services")
            // CustomObjectFeeds: Namespaces (their labels) and MetalLB's kinds, listed and watched.
            .Concat(["list /namespaces", "watch /namespaces"])
            .Concat(metalLb.SelectMany(k => written.Concat(["list", "watch"]).Select(v => $"{v} {k.Group}/{k.Plural}")))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, granted);
    }

    private static JsonObject Single(string kind) => Assert.Single(Objects, o => (string?)o["kind"] == kind);

    private static List<string> Strings(JsonObject rule, string key) => [.. rule[key]!.AsArray().Select(n => (string)n!)];

    private static List<JsonObject> Read(params string[] dir) => [.. Directory.GetFiles(RepoPaths.Of(dir), "*.yaml").Order(StringComparer.Ordinal)
        .SelectMany(f => YamlDocuments.Split(File.ReadAllText(f)).Select(d => YamlDocuments.ToJson(d.Text)))
        .OfType<JsonObject>()];
}
