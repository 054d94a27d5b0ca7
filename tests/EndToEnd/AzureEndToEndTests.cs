using CloudIngress.Controller.Cli;
using CloudIngress.Emulators.Azure;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// The Azure provider through the <c>cloudingress</c> command: <c>plan</c>, <c>apply</c> and
/// <c>destroy</c> against the ARM emulator, and <c>run --provider azure</c> between it and the
/// Kubernetes emulator. The emulator's CA reaches the client as <c>--azure-endpoint-ca</c>.
/// </summary>
public sealed class AzureEndToEndTests : IAsyncLifetime
{
    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: dns, namespace: default}
        spec: {type: LoadBalancer, loadBalancerClass: cloudingress.io/lb, ports: [{name: dns, port: 53, protocol: UDP}], selector: {app: dns}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: dns-1, namespace: default, labels: {kubernetes.io/service-name: dns}}
        addressType: IPv4
        endpoints: [{addresses: ["10.0.9.1"]}]
        ports: [{name: dns, port: 5353, protocol: UDP}]
        """;

    private ArmEmulator _arm = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync();
        Environment.SetEnvironmentVariable(AzureCredentials.StaticTokenVariable, _arm.Options.Token);
        _directory = Directory.CreateTempSubdirectory("cloudingress-azure-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_directory, "shop.yaml"), CloudCli.Shop);
    }

    public async Task DisposeAsync()
    {
        await _arm.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string[] Azure(params string[] args) =>
    [
        .. args, "--provider=azure", "--cluster-name=e2e", $"--azure-subscription={_arm.Options.Subscription}", $"--azure-resource-group={_arm.Options.ResourceGroups[0]}",
        $"--azure-location={_arm.Options.Location}", $"--azure-appgw-subnet={_arm.Options.Subnets[0]}", $"--azure-lb-subnet={_arm.Options.Subnets[1]}",
        $"--azure-endpoint={_arm.Url}", $"--azure-endpoint-ca={_arm.AuthorityFile}",
    ];


    private string PublicAddress() => _arm.Resources("publicIPAddresses").Single()["properties"]!["ipAddress"]!.GetValue<string>();

    [Fact]
    public async Task PlanApplyEditDestroy_FromAManifestsDirectory()
    {
        var offline = await CloudCli.RunAsync("plan", $"--manifests={_directory}", "--provider=azure", "--cluster-name=e2e");
        Assert.True(offline.Code == ExitCodes.Ok, offline.Error + offline.Output);
        Assert.Contains("+ PutApplicationGateway ci-e2e-", offline.Output, StringComparison.Ordinal);
        Assert.Contains("shop.example.com", offline.Output, StringComparison.Ordinal);

        var apply = await CloudCli.RunAsync(Azure("apply", $"--manifests={_directory}"));
        Assert.True(apply.Code == ExitCodes.Ok, apply.Error + apply.Output);
        var address = PublicAddress();
        Assert.Contains($"ingress/default: {address}", apply.Output, StringComparison.Ordinal);
        Assert.Contains($"Ingress default/shop -> {address}", apply.Output, StringComparison.Ordinal);
        Assert.Contains("ApplicationGateways_CreateOrUpdate 1", apply.Output, StringComparison.Ordinal);
        Assert.Contains("PublicIPAddresses_CreateOrUpdate 1", apply.Output, StringComparison.Ordinal);

        var again = await CloudCli.RunAsync(Azure("apply", $"--manifests={_directory}"));
        Assert.Equal(ExitCodes.Ok, again.Code);
        Assert.Contains("changes: 0", again.Output, StringComparison.Ordinal);
        Assert.Contains("(0 mutating)", again.Output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(_directory, "dns.yaml"), Service);
        var edit = await CloudCli.RunAsync(Azure("apply", $"--manifests={_directory}"));
        Assert.True(edit.Code == ExitCodes.Ok, edit.Error + edit.Output);
        Assert.Contains("LoadBalancers_CreateOrUpdate 1", edit.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ApplicationGateways_CreateOrUpdate", edit.Output, StringComparison.Ordinal);
        Assert.Single(_arm.Resources("loadBalancers"));

        var plan = await CloudCli.RunAsync(Azure("plan", $"--manifests={_directory}"));
        Assert.Equal(ExitCodes.Ok, plan.Code);
        Assert.Contains("operations: 0", plan.Output, StringComparison.Ordinal);

        var destroy = await CloudCli.RunAsync(Azure("destroy"));
        Assert.True(destroy.Code == ExitCodes.Ok, destroy.Error + destroy.Output);
        Assert.Contains("- DeleteApplicationGateway", destroy.Output, StringComparison.Ordinal);
        Assert.Empty(_arm.Resources("applicationGateways"));
        Assert.Empty(_arm.Resources("loadBalancers"));
        Assert.Empty(_arm.Resources("publicIPAddresses"));
    }

    [Theory]
    [InlineData("--azure-endpoint", "--azure-endpoint=http://127.0.0.1:1", "is not an https URL")]
    [InlineData("--azure-appgw-subnet", "--azure-appgw-subnet=subnet-1", "is not a subnet id")]
    [InlineData("--azure-appgw-sku", "--azure-appgw-sku=Standard", "is not Standard_v2 or WAF_v2")]
    [InlineData("--azure-location", null, "--azure-location and --azure-appgw-subnet are required")]
    public async Task BadAzureFlags_AreRefusedByName(string name, string? flag, string message)
    {
        string[] args = [.. Azure("apply", $"--manifests={_directory}").Where(a => !a.StartsWith(name + "=", StringComparison.Ordinal))];
        var result = await CloudCli.RunAsync(flag is null ? args : [.. args, flag]);
        Assert.Equal(ExitCodes.UnusableInput, result.Code);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(_arm.Resources("applicationGateways"));
    }

    [Fact]
    public async Task WrongToken_FailsWithTheCloudExitCode_AndNeverPrintsIt()
    {
        Environment.SetEnvironmentVariable(AzureCredentials.StaticTokenVariable, "not-the-token");
        try
        {
            var result = await CloudCli.RunAsync(Azure("apply", $"--manifests={_directory}"));
            Assert.Equal(ExitCodes.CloudFailed, result.Code);
            Assert.Contains("AuthenticationFailed", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-token", result.Error + result.Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(AzureCredentials.StaticTokenVariable, _arm.Options.Token);
        }
    }

    [Fact]
    public async Task Run_PublishesTheFrontendIp_OnIngressAndServiceStatus_AndCleansUp()
    {
        await using var cluster = await ClusterHarness.StartAsync(NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = CloudIngressCli.RunAsync(
            [.. Azure("run", $"--kubeconfig={cluster.Kubeconfig}", "--no-leader-election", "--access-log=off", "--http-port=0", "--https-port=0", "--admin-port=0", "--shutdown-timeout=1")],
            TextWriter.Null, TextWriter.Null, stop.Token);

        await cluster.ApplyAsync(CloudCli.Shop);
        var ip = string.Empty;
        await Eventually.Until(async () =>
        {
            ip = await cluster.KubectlAsync(null, "get", "ingress", "shop", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}");
            return ip.Length > 0;
        }, TimeSpan.FromSeconds(30), "Ingress status ip");
        Assert.Equal(PublicAddress(), ip);

        await cluster.ApplyAsync(Service);
        var serviceIp = string.Empty;
        await Eventually.Until(async () =>
        {
            serviceIp = await cluster.KubectlAsync(null, "get", "service", "dns", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}");
            return serviceIp.Length > 0;
        }, TimeSpan.FromSeconds(30), "Service status ip");
        var balancer = _arm.Resources("loadBalancers").Single();
        var pip = balancer["properties"]!["frontendIPConfigurations"]![0]!["properties"]!["publicIPAddress"]!["id"]!.GetValue<string>();
        Assert.Equal(_arm.Resources("publicIPAddresses").Single(p => string.Equals(p["id"]!.GetValue<string>(), pip, StringComparison.OrdinalIgnoreCase))["properties"]!["ipAddress"]!.GetValue<string>(), serviceIp);

        await cluster.KubectlAsync(null, "delete", "ingress", "shop", "--wait=false");
        await Eventually.Until(() => _arm.Resources("applicationGateways").Count == 0, TimeSpan.FromSeconds(30), "gateway deleted");
        await Eventually.Until(async () => (await cluster.KubectlAsync(null, "get", "ingress", "--no-headers", "--ignore-not-found")).Trim().Length == 0,
            TimeSpan.FromSeconds(30), "Ingress gone once its finalizer is removed");

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run.WaitAsync(TimeSpan.FromSeconds(15)));
    }
}
