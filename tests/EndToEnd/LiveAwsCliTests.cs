using CloudIngress.Controller.Cli;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Tests;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>Runs only when <c>CLOUDINGRESS_AWS_ENDPOINT</c> names an endpoint (moto in CI); skipped with that reason otherwise.</summary>
public sealed class LiveAwsCliFactAttribute : FactAttribute
{
    public LiveAwsCliFactAttribute()
    {
        if (LiveAwsCliTests.Endpoint is null)
        {
            Skip = "set CLOUDINGRESS_AWS_ENDPOINT (e.g. http://127.0.0.1:5000 for moto) and AWS credentials to run the CLI against a real endpoint";
        }
    }
}

/// <summary>
/// The live AWS cycle through the <c>cloudingress</c> command, as a user runs it: plan, apply, a second
/// apply without a mutating call, an edit (an Ingress removed, a path changed, the certificate
/// rotated), destroy, and nothing owned left. Its own cluster name, destroyed even when it fails.
/// </summary>
[Trait("Category", "LiveAws")]
public sealed class LiveAwsCliTests : IAsyncLifetime
{
    private readonly string _cluster = "cli-" + Guid.NewGuid().ToString("N")[..6];
    private string _directory = null!;

    public static string? Endpoint => Environment.GetEnvironmentVariable("CLOUDINGRESS_AWS_ENDPOINT") is { Length: > 0 } e ? e : null;

    private static string Region => Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } r ? r : "us-east-1";

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("cloudingress-live-").FullName;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (Endpoint is not null)
        {
            await CloudCli.RunAsync(Aws("destroy"));
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string[] Aws(params string[] args) =>
        [.. args, "--provider=aws", $"--cluster-name={_cluster}", $"--aws-region={Region}", $"--aws-endpoint={Endpoint}"];


    private async Task<string> OkAsync(params string[] args)
    {
        var (code, output, error) = await CloudCli.RunAsync(Aws(args));
        Assert.True(code == ExitCodes.Ok, $"{string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    [LiveAwsCliFact]
    public async Task PlanApplyReapplyEditDestroy_ThroughTheCommand()
    {
        var (certificate, key) = LiveAwsManifests.NewCertificate();
        var manifests = LiveAwsManifests.Manifests(certificate, key);
        await File.WriteAllTextAsync(Path.Combine(_directory, "shared.yaml"), LiveAwsManifests.Shared);
        await File.WriteAllTextAsync(Path.Combine(_directory, "acceptance.yaml"), manifests);
        var manifestsFlag = $"--manifests={_directory}";

        var plan = await OkAsync("plan", manifestsFlag);
        var creates = plan.Split('\n').Where(l => l.Contains("+ CreateLoadBalancer ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, creates.Count);
        Assert.Single(creates, l => l.Contains("Network internet-facing (nlb/ingress/default)", StringComparison.Ordinal));
        Assert.DoesNotContain(creates, l => l.Contains("alb/ingress/default", StringComparison.Ordinal));

        var apply = await OkAsync("apply", manifestsFlag);
        Assert.Contains("Ingress default/secure -> ", apply, StringComparison.Ordinal);
        Assert.Contains("Service default/edge -> ", apply, StringComparison.Ordinal);

        var again = await OkAsync("apply", manifestsFlag);
        Assert.Contains("changes: 0", again, StringComparison.Ordinal);
        Assert.Contains("(0 mutating)", again, StringComparison.Ordinal);

        var (newCertificate, newKey) = LiveAwsManifests.NewCertificate();
        await File.WriteAllTextAsync(Path.Combine(_directory, "acceptance.yaml"), LiveAwsManifests.Edited(LiveAwsManifests.Manifests(newCertificate, newKey)));
        var edit = await OkAsync("apply", manifestsFlag);
        Assert.Contains("changes: 5", edit, StringComparison.Ordinal);
        Assert.Contains("acm:ImportCertificate 1", edit, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingress default/shop-api -> ", edit, StringComparison.Ordinal);
        Assert.Contains("(0 mutating)", await OkAsync("apply", manifestsFlag), StringComparison.Ordinal);

        await OkAsync("destroy");
        using var clients = new AwsClients(new AwsSettings { Region = Region, Endpoint = new Uri(Endpoint!) }, AwsCredentialChain.Default());
        var (inventory, _) = await InventoryReader.ReadAsync(clients, _cluster, CancellationToken.None);
        Assert.Empty(inventory.LoadBalancers);
        Assert.Empty(inventory.TargetGroups);
        Assert.Empty(inventory.SecurityGroups);
        Assert.Empty(inventory.Certificates);
    }
}
