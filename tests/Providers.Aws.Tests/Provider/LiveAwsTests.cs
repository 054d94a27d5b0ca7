using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Deploy;
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
/// The provider's promises against a real endpoint (LocalStack, moto, AWS): apply, no mutating call on
/// a second apply, one-call edits, and nothing left behind by destroy. Uses its own cluster name.
/// </summary>
[Trait("Category", "LiveAws")]
public sealed class LiveAwsTests
{
    private static GatewayModel Model(params (string Path, string Type, string Service)[] paths) =>
        Build(Ingress("live", $"[{Rule("live.example.com", paths)}]"));

    [LiveAwsFact]
    public async Task Apply_Reapply_Edit_Destroy()
    {
        await using var bed = await AwsTestbed.StartLiveAsync();
        var first = await bed.ApplyAsync(Model(("/", "Prefix", "web")));
        Assert.NotEmpty(first.Addresses["ingress/default"].Single());

        var mutating = bed.MutatingCalls;
        Assert.Empty((await bed.ApplyAsync(Model(("/", "Prefix", "web")))).Executed);
        Assert.Equal(mutating, bed.MutatingCalls);

        var edit = await bed.ApplyAsync(Model(("/", "Prefix", "web"), ("/api", "Prefix", "web")));
        Assert.Equal(["CreateRule"], edit.Executed.Select(o => o.Call));

        await bed.Provider.DestroyAsync(CancellationToken.None);
        var (inventory, _) = await InventoryReader.ReadAsync(bed.Clients, bed.Cluster, CancellationToken.None);
        Assert.Empty(inventory.LoadBalancers);
        Assert.Empty(inventory.TargetGroups);
        Assert.Empty(inventory.SecurityGroups);
        Assert.Empty(inventory.Certificates);
    }
}
