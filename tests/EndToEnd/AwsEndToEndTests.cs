using CloudIngress.Controller.Cli;
using CloudIngress.Emulators.Aws;
using CloudIngress.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// The AWS provider through the <c>cloudingress</c> command: <c>plan</c>, <c>apply</c> and <c>destroy</c>
/// against the ELBv2/EC2/ACM emulator, and <c>run --provider aws</c> between it and the Kubernetes emulator.
/// </summary>
public sealed class AwsEndToEndTests : IAsyncLifetime
{
    private AwsEmulator _aws = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        // The default credentials chain reads these first; the emulator accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test-secret");
        _aws = await AwsEmulator.StartAsync();
        _directory = Directory.CreateTempSubdirectory("cloudingress-aws-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_directory, "shop.yaml"), CloudCli.Shop);
    }

    public async Task DisposeAsync()
    {
        await _aws.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string[] Aws(params string[] args) =>
        [.. args, "--provider=aws", "--cluster-name=e2e", $"--aws-region={_aws.Region}", $"--aws-endpoint={_aws.Url}"];


    [Fact]
    public async Task PlanApplyDestroy_FromAManifestsDirectory()
    {
        var offline = await CloudCli.RunAsync("plan", $"--manifests={_directory}", "--provider=aws", "--cluster-name=e2e");
        Assert.True(offline.Code == ExitCodes.Ok, offline.Error + offline.Output);
        Assert.True(offline.Output.Contains("+ CreateLoadBalancer ci-e2e-", StringComparison.Ordinal), offline.Output);
        Assert.Contains("host-header=shop.example.com", offline.Output, StringComparison.Ordinal);

        var apply = await CloudCli.RunAsync(Aws("apply", $"--manifests={_directory}"));
        Assert.True(apply.Code == ExitCodes.Ok, apply.Error + apply.Output);
        var lb = Assert.Single(_aws.LoadBalancers());
        Assert.Contains($"ingress/default: {lb.DnsName}", apply.Output, StringComparison.Ordinal);
        Assert.Contains($"Ingress default/shop -> {lb.DnsName}", apply.Output, StringComparison.Ordinal);
        Assert.Contains("elasticloadbalancing:CreateLoadBalancer 1", apply.Output, StringComparison.Ordinal);

        var again = await CloudCli.RunAsync(Aws("apply", $"--manifests={_directory}"));
        Assert.Equal(ExitCodes.Ok, again.Code);
        Assert.Contains("changes: 0", again.Output, StringComparison.Ordinal);
        Assert.Contains("(0 mutating)", again.Output, StringComparison.Ordinal);

        var plan = await CloudCli.RunAsync(Aws("plan", $"--manifests={_directory}"));
        Assert.Equal(ExitCodes.Ok, plan.Code);
        Assert.Contains("operations: 0", plan.Output, StringComparison.Ordinal);

        var destroy = await CloudCli.RunAsync(Aws("destroy"));
        Assert.Equal(ExitCodes.Ok, destroy.Code);
        Assert.Contains("- DeleteLoadBalancer", destroy.Output, StringComparison.Ordinal);
        Assert.Empty(_aws.LoadBalancers());
        Assert.Empty(_aws.TargetGroups());
        Assert.DoesNotContain(_aws.SecurityGroups(), g => g.Tags.ContainsKey("cloudingress.io/cluster"));
    }

    [Fact]
    public async Task Plan_PassthroughIngressAloneInItsGroup_IsOneNlbAndNoAlb()
    {
        var directory = Directory.CreateTempSubdirectory("cloudingress-aws-pt-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "secure.yaml"), CloudCli.Shop.Replace(
                "metadata: {name: shop, namespace: default}",
                "metadata: {name: secure, namespace: default, annotations: {cloudingress.io/tls-mode: passthrough}}", StringComparison.Ordinal));

            var plan = await CloudCli.RunAsync("plan", $"--manifests={directory}", "--provider=aws", "--cluster-name=e2e");

            Assert.True(plan.Code == ExitCodes.Ok, plan.Error + plan.Output);
            var create = Assert.Single(plan.Output.Split('\n'), l => l.Contains("+ CreateLoadBalancer ", StringComparison.Ordinal));
            Assert.Contains("Network internet-facing (nlb/ingress/default)", create, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("--cluster-name", null, "--cluster-name is required")]
    [InlineData("--aws-endpoint", "--aws-endpoint=ftp://x", "--aws-endpoint: \"ftp://x\" is not an http(s) URL")]
    [InlineData("--aws-max-rules", "--aws-max-rules=0", "--aws-max-rules: 0 is not between 1 and 1000")]
    public async Task BadAwsFlags_AreRefusedByName(string name, string? flag, string message)
    {
        string[] defaults = ["--cluster-name=e2e", $"--aws-region={_aws.Region}", $"--aws-endpoint={_aws.Url}"];
        string[] args = ["apply", $"--manifests={_directory}", "--provider=aws", .. defaults.Where(d => !d.StartsWith(name + "=", StringComparison.Ordinal))];
        var result = await CloudCli.RunAsync(flag is null ? args : [.. args, flag]);
        Assert.Equal(ExitCodes.UnusableInput, result.Code);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(_aws.LoadBalancers());
    }

    [Fact]
    public async Task UnreachableEndpoint_FailsWithTheCloudExitCode()
    {
        var result = await CloudCli.RunAsync("apply", $"--manifests={_directory}", "--provider=aws", "--cluster-name=e2e", "--aws-region=us-east-1",
            $"--aws-endpoint=http://127.0.0.1:{ClusterHarness.FreePort()}");
        Assert.Equal(ExitCodes.CloudFailed, result.Code);
        Assert.Contains("ConnectionFailure", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("test-secret", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PublishesTheAlbHostname_AndCleansUpBeforeTheIngressGoes()
    {
        await using var cluster = await ClusterHarness.StartAsync(NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = CloudIngressCli.RunAsync(
            [.. Aws("run", $"--kubeconfig={cluster.Kubeconfig}", "--no-leader-election", "--access-log=off", "--http-port=0", "--https-port=0", "--admin-port=0", "--shutdown-timeout=1")],
            TextWriter.Null, TextWriter.Null, stop.Token);

        await cluster.ApplyAsync(CloudCli.Shop);
        var hostname = string.Empty;
        await Eventually.Until(async () =>
        {
            hostname = await cluster.KubectlAsync(null, "get", "ingress", "shop", "-o", "jsonpath={.status.loadBalancer.ingress[0].hostname}");
            return hostname.Length > 0;
        }, TimeSpan.FromSeconds(20), "status hostname");
        Assert.Equal(_aws.LoadBalancers().Single().DnsName, hostname);
        Assert.Contains("cloudingress.io/finalizer", await cluster.KubectlAsync(null, "get", "ingress", "shop", "-o", "jsonpath={.metadata.finalizers}"), StringComparison.Ordinal);

        // What ALB cannot do is an Event on the Ingress, like the model's own findings.
        await cluster.ApplyAsync("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: rewrite, namespace: default, annotations: {cloudingress.io/rewrite-target: /}}
            spec:
              ingressClassName: cloudingress
              rules: [{host: rw.example.com, http: {paths: [{path: /old, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            """);
        await Eventually.Until(async () => (await cluster.KubectlAsync(null, "get", "events", "-o", "jsonpath={range .items[*]}{.involvedObject.name} {.reason}{\"\\n\"}{end}"))
            .Contains("rewrite ProviderUnsupported", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "ProviderUnsupported Event");
        await cluster.KubectlAsync(null, "delete", "ingress", "rewrite");

        await cluster.KubectlAsync(null, "delete", "ingress", "shop", "--wait=false");
        await Eventually.Until(() => _aws.LoadBalancers().Count == 0, TimeSpan.FromSeconds(20), "load balancer deleted");
        await Eventually.Until(async () => (await cluster.KubectlAsync(null, "get", "ingress", "--no-headers", "--ignore-not-found")).Trim().Length == 0,
            TimeSpan.FromSeconds(20), "Ingress gone once its finalizer is removed");

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run.WaitAsync(TimeSpan.FromSeconds(15)));
    }
}
