using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Tests;
using System.Globalization;
using System.Text;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>
/// An apply costs what changed, not what exists: after a first apply the provider diffs each model
/// against what it converged to, writes only what changed and reads back only what it wrote. A full
/// resync reads everything and repairs drift made by hand.
/// </summary>
public sealed class IncrementalApplyTests
{
    [Fact]
    public async Task IncrementalApply_OfAnUnchangedModel_MakesNoCallAtAll()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var model = Cluster(6);
        await bed.ApplyAsync(model);

        var calls = await CallsOfAsync(bed, model);

        Assert.Empty(calls);
    }

    public static TheoryData<string, int, string[]> Changes => new()
    {
        { "pod added", 4, ["elasticloadbalancing:DescribeTargetHealth=1", "elasticloadbalancing:RegisterTargets=1"] },
        { "pod added", 40, ["elasticloadbalancing:DescribeTargetHealth=1", "elasticloadbalancing:RegisterTargets=1"] },
        {
            "Ingress added", 4,
            [
                "elasticloadbalancing:CreateRule=1", "elasticloadbalancing:CreateTargetGroup=1", "elasticloadbalancing:DescribeRules=1",
                "elasticloadbalancing:DescribeTargetGroups=1", "elasticloadbalancing:DescribeTargetHealth=1", "elasticloadbalancing:RegisterTargets=1",
            ]
        },
        {
            "Ingress added", 40,
            [
                "elasticloadbalancing:CreateRule=1", "elasticloadbalancing:CreateTargetGroup=1", "elasticloadbalancing:DescribeRules=1",
                "elasticloadbalancing:DescribeTargetGroups=1", "elasticloadbalancing:DescribeTargetHealth=1", "elasticloadbalancing:RegisterTargets=1",
            ]
        },
        { "Ingress deleted", 4, ["elasticloadbalancing:DeleteRule=1", "elasticloadbalancing:DeleteTargetGroup=1", "elasticloadbalancing:DescribeRules=1"] },
        { "Ingress deleted", 40, ["elasticloadbalancing:DeleteRule=1", "elasticloadbalancing:DeleteTargetGroup=1", "elasticloadbalancing:DescribeRules=1"] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task OneChange_WritesItAndReadsBackOnlyThat_WhateverTheClusterSize(string change, int ingresses, string[] expected)
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Cluster(ingresses));
        var changed = change switch
        {
            "pod added" => Cluster(ingresses, extraPodOf: 1),
            "Ingress added" => Cluster(ingresses + 1),
            _ => Cluster(ingresses, without: 1),
        };

        var calls = await CallsOfAsync(bed, changed);

        Assert.Equal(expected, calls);
        Assert.Empty((await bed.ApplyAsync(changed, fullResync: true)).Executed);
    }

    [Fact]
    public async Task RotatedCertificate_IsReimportedUnderItsArn_AndOnlyItsTagsReadBack()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var (certificate, key) = LiveAwsManifests.NewCertificate();
        await bed.ApplyAsync(Build(LiveAwsManifests.Manifests(certificate, key)));
        var arn = Assert.Single(bed.Emulator!.Certificates(), c => c.Imported).Arn;
        var (rotated, rotatedKey) = LiveAwsManifests.NewCertificate();
        var model = Build(LiveAwsManifests.Manifests(rotated, rotatedKey));

        var calls = await CallsOfAsync(bed, model);

        Assert.Equal(["acm:AddTagsToCertificate=1", "acm:ImportCertificate=1", "acm:ListTagsForCertificate=1"], calls);
        Assert.Equal(arn, Assert.Single(bed.Emulator.Certificates(), c => c.Imported).Arn);
        Assert.Empty((await bed.ApplyAsync(model)).Executed);
    }

    [Fact]
    public async Task ManyEndpointChangesOfOneService_BetweenTwoApplies_AreOneRegisterAndOneDeregister()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var model = Cluster(4);
        await bed.ApplyAsync(model);
        var pool = model.Backends.Single(b => b.Service.Name == "app0002");
        var churned = model with
        {
            Backends = [.. model.Backends.Select(b => b != pool ? b : b with
            {
                Endpoints = [.. Enumerable.Range(1, 30).Select(i => new BackendEndpoint($"10.0.9.{i.ToString(CultureInfo.InvariantCulture)}", 8080))],
            })],
        };

        var calls = await CallsOfAsync(bed, churned);

        Assert.Equal(["elasticloadbalancing:DeregisterTargets=1", "elasticloadbalancing:DescribeTargetHealth=1", "elasticloadbalancing:RegisterTargets=1"], calls);
        Assert.Single(bed.Emulator!.TargetGroups(), t => t.Targets.Count == 30);
    }

    [Fact]
    public async Task RuleDeletedByHand_IsUnknownToIncrementalApplies_AndRepairedByTheNextFullResync()
    {
        await using var bed = await AwsTestbed.StartAsync();
        var model = Cluster(4);
        await bed.ApplyAsync(model);
        var listener = bed.Emulator!.LoadBalancers().Single().Listeners.Single();
        var victim = listener.Rules.First(r => !r.IsDefault);
        using (var hand = Hand(bed))
        {
            await hand.ElbV2.DeleteRuleAsync(victim.Arn, CancellationToken.None);
        }

        Assert.Empty((await bed.ApplyAsync(model, fullResync: false)).Executed);
        var resync = await bed.ApplyAsync(model, fullResync: true);

        Assert.Equal(["CreateRule"], resync.Executed.Select(o => o.Call));
        var repaired = bed.Emulator.LoadBalancers().Single().Listeners.Single().Rules;
        Assert.Equal(listener.Rules.Count, repaired.Count);
        Assert.Contains(repaired, r => r.Conditions.SequenceEqual(victim.Conditions, new ConditionComparer()));
    }

    [Fact]
    public async Task ApplyAfterAFailedOne_ReadsEverythingFirst()
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Cluster(4));
        bed.Emulator!.Faults.FailNext(8, 500, "elasticloadbalancing", "RegisterTargets");
        await Assert.ThrowsAsync<AwsApplyIncompleteException>(() => bed.ApplyAsync(Cluster(4, extraPodOf: 1), fullResync: false));

        var calls = await CallsOfAsync(bed, Cluster(4, extraPodOf: 1));

        Assert.Contains("elasticloadbalancing:DescribeLoadBalancers=1", calls);
        Assert.Contains("elasticloadbalancing:RegisterTargets=1", calls);
    }

    [Fact]
    public async Task LostAnswerOfAnImport_InAnIncrementalApply_LeavesNoSecondCopy()
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Cluster(2));
        bed.Emulator!.Faults.FailNext(1, 500, "acm", "ImportCertificate", afterCommit: true);
        var (certificate, key) = LiveAwsManifests.NewCertificate();

        // The retried import makes a second copy; only a full read can find the first, and it does.
        await bed.ApplyAsync(Build(LiveAwsManifests.Manifests(certificate, key)), fullResync: false);

        Assert.Single(bed.Emulator.Certificates(), c => c.Imported);
        Assert.Empty((await bed.ApplyAsync(Build(LiveAwsManifests.Manifests(certificate, key)), fullResync: true)).Executed);
    }

    [Fact]
    public async Task HostNewToDiscovery_ListsAcmAgain_AndFindsACertificateIssuedSinceTheLastFullRead()
    {
        await using var bed = await AwsTestbed.StartAsync();
        await bed.ApplyAsync(Build(Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"))}]")));
        var issued = bed.Emulator!.AddIssuedCertificate("shop.example.com");
        var tls = Build(Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"))}]", tls: "[{hosts: [shop.example.com]}]"));

        var result = await bed.ApplyAsync(tls, fullResync: false);

        Assert.Equal([issued], bed.Emulator.LoadBalancers().Single().Listeners.Single(l => l.Port == 443).Certificates);
        Assert.Empty((await bed.ApplyAsync(tls, fullResync: true)).Executed);
        Assert.Contains(result.Executed, o => o is CreateListener);
    }

    /// <summary>The calls an incremental apply of <paramref name="model"/> makes, as sorted <c>operation=count</c>.</summary>
    private static async Task<List<string>> CallsOfAsync(AwsTestbed bed, GatewayModel model)
    {
        var before = bed.Clients.Calls;
        await bed.ApplyAsync(model, fullResync: false);
        return [.. bed.Clients.Calls.Select(c => (c.Key, Count: c.Value - before.GetValueOrDefault(c.Key))).Where(c => c.Count > 0)
            .Select(c => $"{c.Key}={c.Count.ToString(CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal)];
    }

    /// <summary>Someone else's clients against the same endpoint: a change made by hand.</summary>
    private static AwsClients Hand(AwsTestbed bed) =>
        new(bed.Clients.Settings, AwsCredentialChain.Static(new AwsCredentials("AKIDEXAMPLE", "test-secret")));

    /// <summary>
    /// <paramref name="ingresses"/> Ingresses in one group, each with a host, a path and a Service of its own with one pod;
    /// <paramref name="extraPodOf"/> gets a second pod, <paramref name="without"/> is left out.
    /// </summary>
    private static GatewayModel Cluster(int ingresses, int extraPodOf = -1, int without = -1)
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < ingresses; i++)
        {
            if (i == without)
            {
                continue;
            }

            var name = "app" + i.ToString("D4", CultureInfo.InvariantCulture);
            var host = (i % 200 + 1).ToString(CultureInfo.InvariantCulture);
            var pod = $"{{addresses: [10.0.{(i / 200 + 100).ToString(CultureInfo.InvariantCulture)}.{host}]}}";
            var endpoints = i == extraPodOf ? $"{pod}, {{addresses: [10.0.{(i / 200 + 150).ToString(CultureInfo.InvariantCulture)}.{host}]}}" : pod;
            yaml.Append(CultureInfo.InvariantCulture, $$$"""
                apiVersion: v1
                kind: Service
                metadata: {name: {{{name}}}, namespace: default}
                spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: {{{name}}}-1, namespace: default, labels: {kubernetes.io/service-name: {{{name}}}}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints: [{{{endpoints}}}]
                ---

                """);
            yaml.Append(Ingress(name, $"[{Rule($"{name}.example.com", ("/", "Prefix", name))}]", "cloudingress.io/group: bench"));
        }

        return Build(yaml.ToString());
    }

    private sealed class ConditionComparer : IEqualityComparer<Emulators.Aws.RuleCondition>
    {
        public bool Equals(Emulators.Aws.RuleCondition? x, Emulators.Aws.RuleCondition? y) =>
            x is not null && y is not null && x.Field == y.Field && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(Emulators.Aws.RuleCondition obj) => obj.Field.GetHashCode(StringComparison.Ordinal);
    }
}
