using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Tests;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using static CloudIngress.Providers.Aws.Tests.Models;
using static CloudIngress.Providers.Aws.Tests.Provider.RespellingHandler;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>
/// An endpoint that answers correctly in its own spelling never makes the provider write again; one
/// that does not keep what it is told makes the apply fail naming the resource, the field, what was
/// desired and what was observed, and the Ingresses concerned.
/// </summary>
public sealed class MeaningNotSpellingTests
{
    private static readonly string Canary = Ingress("shop-canary", $"[{Rule("app.example.com", ("/", "Prefix", "api"))}]",
        "cloudingress.io/group: shop, cloudingress.io/canary: \"true\", cloudingress.io/canary-weight: \"20\"", created: "2026-01-05T00:00:00Z");

    /// <summary>moto 4.2 and friends: empty paths and matchers on TCP groups, lower-case protocols, default attributes left out, lists in other orders.</summary>
    private static void Respell(string action, XElement root)
    {
        switch (action)
        {
            case "DescribeTargetGroups":
                foreach (var group in All(root, "member").Where(m => Child(m, "TargetGroupArn") is not null))
                {
                    var protocol = Child(group, "Protocol")!;
                    if (protocol.Value == "TCP")
                    {
                        group.Add(new XElement(protocol.Name.Namespace + "HealthCheckPath", string.Empty),
                            new XElement(protocol.Name.Namespace + "Matcher", new XElement(protocol.Name.Namespace + "HttpCode", string.Empty)));
                    }

                    protocol.Value = protocol.Value.ToLowerInvariant();
                    Child(group, "HealthCheckProtocol")!.Value = Child(group, "HealthCheckProtocol")!.Value.ToLowerInvariant();
                }

                break;
            case "DescribeTargetGroupAttributes" or "DescribeLoadBalancerAttributes":
                All(root, "member").Where(m => Child(m, "Value")?.Value == "false").Remove();
                break;
            case "DescribeListeners":
                All(root, "Protocol").ToList().ForEach(p => p.Value = p.Value.ToLowerInvariant());
                All(root, "Type").ToList().ForEach(t => t.Value = t.Value.ToUpperInvariant());
                break;
            case "DescribeRules":
                foreach (var list in All(root, "Values").Concat(All(root, "Conditions")).Concat(All(root, "TargetGroups")))
                {
                    list.ReplaceNodes(list.Elements().Reverse().ToList());
                }

                All(root, "HostHeaderConfig").SelectMany(c => c.Descendants()).Where(v => v.Name.LocalName == "member").ToList().ForEach(v => v.Value = v.Value.ToUpperInvariant());
                break;
            case "DescribeSecurityGroups":
                All(root, "ipProtocol").ToList().ForEach(p => p.Value = p.Value == "tcp" ? "6" : p.Value);
                break;
        }
    }

    private static void RespellAcm(string target, JsonNode answer)
    {
        if (target == "ListTagsForCertificate")
        {
            foreach (var tag in answer["Tags"]!.AsArray())
            {
                if ((string?)tag!["Key"] == InventoryReader.Sha256Tag)
                {
                    tag["Value"] = ((string)tag["Value"]!).ToUpperInvariant();
                }
            }
        }
    }

    [Fact]
    public async Task SecondApply_AgainstAnEndpointSpellingValuesItsOwnWay_MakesNoMutatingCall()
    {
        var respelling = new RespellingHandler(Respell, RespellAcm);
        await using var bed = await AwsTestbed.StartAsync(handler: respelling);
        var (certificate, key) = LiveAwsManifests.NewCertificate();
        var model = Build(LiveAwsManifests.Manifests(certificate, key) + "\n---\n" + Canary);

        var first = await bed.ApplyAsync(model);
        Assert.Equal(3, bed.Emulator!.LoadBalancers().Count);
        Assert.Contains(first.Plan.LoadBalancers.SelectMany(l => l.Listeners).SelectMany(l => l.Rules).SelectMany(r => r.Actions), a => a.Forward.Count == 2);

        var before = bed.Emulator.MutatingCalls;
        var second = await bed.ApplyAsync(model);
        Assert.Empty(second.Executed);
        Assert.Equal(before, bed.Emulator.MutatingCalls);
    }

    [Fact]
    public async Task Apply_AgainstAnEndpointThatDoesNotKeepAField_FailsNamingResourceFieldValuesAndMembers()
    {
        // This endpoint accepts every health check interval and goes on answering 30.
        var forgetful = new RespellingHandler((action, root) =>
        {
            if (action == "DescribeTargetGroups")
            {
                All(root, "HealthCheckIntervalSeconds").ToList().ForEach(i => i.Value = "30");
            }
        });
        await using var bed = await AwsTestbed.StartAsync(handler: forgetful);
        var shop = Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"))}]");

        var e = await Assert.ThrowsAsync<AwsApplyIncompleteException>(() => bed.NewProvider(passes: 3).ApplyAsync(Build(shop), fullResync: true, CancellationToken.None));

        var repeated = Assert.Single(e.Repeated);
        Assert.IsType<ModifyTargetGroup>(repeated.Operation);
        Assert.StartsWith("tg/default/web:80@alb/ingress/default/", repeated.ResourceKey, StringComparison.Ordinal);
        Assert.Equal(("HealthCheckIntervalSeconds", "15", "30"), (repeated.Field, repeated.Desired, repeated.Observed));
        var member = new ObjectRef("Ingress", "default", "shop");
        Assert.Equal([member], repeated.Members);
        Assert.Contains($"ModifyTargetGroup {repeated.ResourceKey} HealthCheckIntervalSeconds: desired 15, observed 30", e.Message, StringComparison.Ordinal);
        var diagnostic = Assert.Single(e.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, DiagnosticCodes.CloudNotConverging, member), (diagnostic.Severity, diagnostic.Code, diagnostic.Object));
        Assert.Contains(repeated.ToString(), diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ThroughTheProviderContract_CarriesTheNonConvergenceDiagnosticsForEvents()
    {
        var forgetful = new RespellingHandler((action, root) =>
        {
            if (action == "DescribeTargetGroups")
            {
                All(root, "HealthCheckIntervalSeconds").ToList().ForEach(i => i.Value = "30");
            }
        });
        await using var bed = await AwsTestbed.StartAsync(handler: forgetful);
        var provider = new AwsCloudProvider(bed.Clients, new AwsProviderOptions { ClusterName = bed.Cluster, Passes = 2 });
        var shop = Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"))}]");

        var e = await Assert.ThrowsAsync<Core.Providers.ProviderException>(() => provider.ApplyAsync(Build(shop), fullResync: true, CancellationToken.None));

        Assert.Contains("HealthCheckIntervalSeconds: desired 15, observed 30", e.Message, StringComparison.Ordinal);
        var diagnostic = Assert.Single(e.Diagnostics);
        Assert.Equal((DiagnosticCodes.CloudNotConverging, new ObjectRef("Ingress", "default", "shop")), (diagnostic.Code, diagnostic.Object));
        Assert.Contains(e.Calls, c => c.Operation == "elasticloadbalancing:ModifyTargetGroup" && c.Mutating);
    }
}
