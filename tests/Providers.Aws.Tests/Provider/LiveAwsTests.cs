using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Tests;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>Runs only when <c>CLOUDINGRESS_AWS_ENDPOINT</c> names an endpoint; skipped with that reason otherwise.</summary>
public sealed class LiveAwsFactAttribute : FactAttribute
{
    public LiveAwsFactAttribute()
    {
        if (AwsTestbed.LiveEndpoint is null)
        {
            Skip = "set CLOUDINGRESS_AWS_ENDPOINT (e.g. http://localhost:4566 for LocalStack) and AWS credentials to run against a real endpoint";
        }
    }
}

/// <summary>
/// The provider's promises against a real endpoint (moto, LocalStack, AWS): the whole cycle of the
/// acceptance manifests (two grouped Ingresses, a passthrough Ingress alone in its group, a
/// LoadBalancer Service): plan, apply, a second apply without a mutating call, an edit (an Ingress
/// removed, a path changed, a certificate rotated) in the calls it needs, and a destroy that leaves
/// nothing owned. Each run uses its own cluster name. The CLI drives the same cycle in
/// tests/EndToEnd (LiveAwsCliTests).
/// </summary>
[Trait("Category", "LiveAws")]
public sealed class LiveAwsTests
{
    [LiveAwsFact]
    public async Task Apply_Reapply_Edit_Destroy()
    {
        await using var bed = await AwsTestbed.StartLiveAsync();
        await LiveCycle.RunAsync(bed);
    }

    [LiveAwsFact]
    public async Task Apply_ThenIncrementalReapplyAndEdit_AndAFullResyncFindsNothingLeft()
    {
        await using var bed = await AwsTestbed.StartLiveAsync();
        await LiveCycle.RunAsync(bed, incremental: true);
    }

    private static GatewayModel Model(params (string Path, string Type, string Service)[] paths) =>
        Build(Ingress("live", $"[{Rule("live.example.com", paths)}]"));

    [LiveAwsFact]
    public async Task OneNewPath_IsOneCreateRule()
    {
        await using var bed = await AwsTestbed.StartLiveAsync();
        await bed.ApplyAsync(Model(("/", "Prefix", "web")));

        var edit = await bed.ApplyAsync(Model(("/", "Prefix", "web"), ("/api", "Prefix", "web")));
        Assert.Equal(["CreateRule"], edit.Executed.Select(o => o.Call));
    }
}

/// <summary>
/// The acceptance cycle, against whatever endpoint <see cref="AwsTestbed"/> talks to. Every apply
/// reads everything, or (<c>incremental</c>) the second apply and the edit go from what the provider
/// remembers and a full resync after each must find nothing left to do.
/// </summary>
internal static class LiveCycle
{
    public static readonly ObjectRef Shop = new("Ingress", "default", "shop");
    public static readonly ObjectRef ShopApi = new("Ingress", "default", "shop-api");
    public static readonly ObjectRef Secure = new("Ingress", "default", "secure");
    public static readonly ObjectRef Edge = new("Service", "default", "edge");

    public static async Task RunAsync(AwsTestbed bed, bool incremental = false)
    {
        var (certificate, key) = LiveAwsManifests.NewCertificate();
        var manifests = LiveAwsManifests.Manifests(certificate, key);
        var model = Build(manifests);

        // plan: what a first apply makes, and nothing for the passthrough-only group but its NLB.
        var (plan, operations) = await bed.Provider.PlanAsync(model, CancellationToken.None);
        Assert.Equal(["Application ingress/shop", "Network ingress/default", "Network service/default/edge"],
            plan.LoadBalancers.Select(l => $"{l.Type} {l.FrontendId}").Order(StringComparer.Ordinal));
        Assert.Equal(3, operations.OfType<CreateLoadBalancer>().Count());

        // apply
        var mutatingBefore = bed.MutatingCalls;
        var first = await bed.ApplyAsync(model);
        Assert.True(bed.MutatingCalls > mutatingBefore);
        var (inventory, _) = await InventoryReader.ReadAsync(bed.Clients, bed.Cluster, CancellationToken.None);
        Assert.Equal([LoadBalancerType.Application, LoadBalancerType.Network, LoadBalancerType.Network], inventory.LoadBalancers.Select(l => l.LoadBalancer.Type).Order());
        Assert.Single(inventory.LoadBalancers, l => l.Key == "nlb/ingress/default");
        Assert.DoesNotContain(inventory.LoadBalancers, l => l.Key == "alb/ingress/default");
        Assert.Equal(first.MemberAddresses[Shop], first.MemberAddresses[ShopApi]);
        Assert.Equal(inventory.LoadBalancers.Single(l => l.Key == "nlb/ingress/default").LoadBalancer.DnsName, first.MemberAddresses[Secure]);
        Assert.NotEqual(first.MemberAddresses[Secure], first.MemberAddresses[Edge]);
        Assert.Single(inventory.Certificates);
        Assert.Equal(4, inventory.TargetGroups.Count);

        // A second apply of the same manifests: reads only.
        var mutating = bed.MutatingCalls;
        var again = await bed.ApplyAsync(model, fullResync: !incremental);
        Assert.Empty(again.Executed);
        Assert.Empty((await bed.ApplyAsync(model, fullResync: true)).Executed);
        Assert.Equal(mutating, bed.MutatingCalls);
        Assert.Empty((await bed.Provider.PlanAsync(model, CancellationToken.None)).Operations);

        // The edit: one Ingress gone, one path changed, the certificate rotated under its ARN.
        var arn = inventory.Certificates.Single().Arn;
        var (newCertificate, newKey) = LiveAwsManifests.NewCertificate();
        var edited = Build(LiveAwsManifests.Edited(LiveAwsManifests.Manifests(newCertificate, newKey)));
        var edit = await bed.ApplyAsync(edited, fullResync: !incremental);
        Assert.Equal(
            ["DeleteRule", "DeleteTargetGroup", "ImportCertificate", "ModifyRule", "ModifyRule"],
            edit.Executed.Select(o => o.Call).Order(StringComparer.Ordinal));
        Assert.Equal(arn, Assert.Single(edit.Executed.OfType<ImportCertificate>()).ExistingArn);
        Assert.DoesNotContain(ShopApi, edit.MemberAddresses.Keys);
        mutating = bed.MutatingCalls;
        Assert.Empty((await bed.ApplyAsync(edited)).Executed);
        Assert.Equal(mutating, bed.MutatingCalls);

        // destroy
        await bed.Provider.DestroyAsync(CancellationToken.None);
        (inventory, _) = await InventoryReader.ReadAsync(bed.Clients, bed.Cluster, CancellationToken.None);
        Assert.Empty(inventory.LoadBalancers);
        Assert.Empty(inventory.TargetGroups);
        Assert.Empty(inventory.SecurityGroups);
        Assert.Empty(inventory.Certificates);
    }
}
