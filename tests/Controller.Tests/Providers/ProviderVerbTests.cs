using CloudIngress.Controller.Cli;
using CloudIngress.Controller.Standalone;
using CloudIngress.Core.Build;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.Aws;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Proxy.Provider;
using Microsoft.Extensions.Logging.Abstractions;
using System.Text.Json;

namespace CloudIngress.Controller.Tests.Providers;

/// <summary><c>plan</c>, <c>apply</c>, <c>destroy</c> and <c>run</c> through the contract alone, with a provider the command line knows only by registration.</summary>
public sealed class ProviderVerbTests : IDisposable
{
    private const string Shop = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: default}
        spec:
          ingressClassName: cloudingress
          rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: odd, namespace: default, annotations: {cloudingress.io/group: odd}}
        spec:
          ingressClassName: cloudingress
          rules: [{host: odd.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-verbs-").FullName;
    private readonly TestCloud _cloud = new();

    public ProviderVerbTests() => File.WriteAllText(Path.Combine(_dir, "shop.yaml"), Shop);

    [Fact]
    public async Task Plan_TextOutput_ShowsTheProvidersResourcesOperationsAndDiagnostics()
    {
        var (code, output, error) = await Run("plan", "--manifests", _dir, "--provider", "test", "--test-zone", "z1");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("load balancer ingress/default in z1", output, StringComparison.Ordinal);
        Assert.Contains("operations: 2", output, StringComparison.Ordinal);
        Assert.Contains("  + CreateLoadBalancer ingress/odd", output, StringComparison.Ordinal);
        Assert.Contains("warning ProviderUnsupported: Ingress default/odd: the test cloud dislikes odd names", output, StringComparison.Ordinal);
        Assert.Equal(1, _cloud.Reads);
        Assert.Equal(0, _cloud.Writes);
    }

    [Fact]
    public async Task Plan_JsonOutput_PutsTheProvidersSchemaBesideOperationsAndDiagnostics()
    {
        var (code, output, error) = await Run("plan", "--manifests", _dir, "--provider", "test", "--test-zone", "z1", "--output", "json");
        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("test", root.GetProperty("provider").GetString());
        Assert.Equal("z1", root.GetProperty("zone").GetString());
        Assert.Equal(2, root.GetProperty("loadBalancers").GetArrayLength());
        Assert.Equal("create", root.GetProperty("operations")[0].GetProperty("action").GetString());
        var diagnostic = Assert.Single(root.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == "ProviderUnsupported");
        Assert.Equal("odd", diagnostic.GetProperty("object").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Plan_AwsJsonOutput_IsTheAwsPlan()
    {
        var (code, output, error) = await Run("plan", "--manifests", _dir, "--provider", "aws", "--cluster-name", "c1", "--output", "json");
        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("aws", json.RootElement.GetProperty("provider").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("loadBalancers").GetArrayLength());
        Assert.Contains(json.RootElement.GetProperty("operations").EnumerateArray(), o => o.GetProperty("call").GetString() == "CreateLoadBalancer");
        Assert.DoesNotContain("PRIVATE KEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyThenApplyAgain_WritesOnce_AndPrintsAddressesAndCalls()
    {
        var (code, output, error) = await Run("apply", "--manifests", _dir, "--provider", "test", "--test-zone", "z1");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("ingress/default: ingress-default.z1.test", output, StringComparison.Ordinal);
        Assert.Contains("changes: 2", output, StringComparison.Ordinal);
        Assert.Contains("API calls: 3 (2 mutating)", output, StringComparison.Ordinal);
        Assert.Equal(2, _cloud.Writes);

        (code, output, _) = await Run("apply", "--manifests", _dir, "--provider", "test", "--test-zone", "z1");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("changes: 0", output, StringComparison.Ordinal);
        Assert.Equal(2, _cloud.Writes);
    }

    [Fact]
    public async Task Apply_WhenTheCloudFails_ExitsThreeWithTheMessageAndDiagnostics()
    {
        _cloud.Failing = "the test cloud refused: quota exceeded";
        var (code, output, error) = await Run("apply", "--manifests", _dir, "--provider", "test", "--test-zone", "z1");
        Assert.Equal(ExitCodes.CloudFailed, code);
        Assert.Contains("cloudingress apply: the test cloud refused: quota exceeded", error, StringComparison.Ordinal);
        Assert.Contains("error CloudNotConverging: Ingress default/shop", output, StringComparison.Ordinal);
        Assert.Contains("API calls: 1 (0 mutating)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_DeletesEverythingTheProviderHolds()
    {
        await Run("apply", "--manifests", _dir, "--provider", "test", "--test-zone", "z1");
        var (code, output, error) = await Run("destroy", "--provider", "test", "--test-zone", "z1", "--cluster-name", "c1");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("- DeleteLoadBalancer ingress/default", output, StringComparison.Ordinal);
        Assert.Contains("deleted: 2 (cluster c1 owns nothing in test now)", output, StringComparison.Ordinal);
        Assert.Empty(_cloud.LoadBalancers);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    [InlineData("destroy")]
    [InlineData("run")]
    public async Task UnknownProvider_IsRefusedNamingTheValidOnes(string verb)
    {
        string[] args = verb == "destroy" ? [verb, "--provider", "gcp"] : [verb, "--manifests", _dir, "--provider", "gcp"];
        var (code, _, error) = await Run(args);
        Assert.Equal(ExitCodes.UnusableInput, code);
        Assert.Contains("--provider: \"gcp\" is not a provider (providers: kestrel, aws, test)", error, StringComparison.Ordinal);
        Assert.Equal(0, _cloud.Reads + _cloud.Writes);
    }

    [Theory]
    [InlineData("plan", "--aws-region", "eu-west-1")]
    [InlineData("apply", "--aws-max-rules", "50")]
    [InlineData("run", "--aws-endpoint", "http://127.0.0.1:1")]
    public async Task AFlagOfAnotherProvider_IsRefusedByName(string verb, string flag, string value)
    {
        var (code, _, error) = await Run(verb, "--manifests", _dir, "--provider", "test", "--test-zone", "z1", flag, value);
        Assert.Equal(ExitCodes.UnusableInput, code);
        Assert.Contains($"{flag} is a flag of --provider aws, not of test (flags of test: --test-zone)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProvidersOwnCheck_IsACliError()
    {
        var (code, _, error) = await Run("apply", "--manifests", _dir, "--provider", "test");
        Assert.Equal(ExitCodes.UnusableInput, code);
        Assert.Contains("cloudingress apply: --test-zone is required with --provider test", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderFlagsFromTheEnvironment_AreUsed()
    {
        Environment.SetEnvironmentVariable("CLOUDINGRESS_TEST_ZONE", "from-env");
        try
        {
            var (code, output, error) = await Run("plan", "--manifests", _dir, "--provider", "test");
            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains("load balancer ingress/default in from-env", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLOUDINGRESS_TEST_ZONE", null);
        }
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    [InlineData("destroy")]
    [InlineData("run")]
    public async Task Help_ListsEveryProviderAndItsFlagsWithTheirEnvironmentTwins(string verb)
    {
        var (_, output, _) = await Run(verb, "--help");
        foreach (var provider in Providers())
        {
            Assert.Contains(provider.Name, output, StringComparison.Ordinal);
            foreach (var option in provider.Options)
            {
                Assert.Contains(option.Flag, output, StringComparison.Ordinal);
                Assert.Contains(EnvOption.VariableFor(option.Flag), output, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Registry_EveryProviderFlagCarriesItsProvidersName()
    {
        foreach (var provider in ProviderRegistry.All)
        {
            Assert.All(provider.Options, o => Assert.StartsWith($"--{provider.Name}-", o.Flag, StringComparison.Ordinal));
        }

        Assert.Equal(ProviderRegistry.All.Count, ProviderRegistry.All.Select(p => p.Name).Distinct().Count());
    }

    [Fact]
    public async Task RunFromManifests_ServesTheProvidersApiCallsOnMetrics()
    {
        var server = new StandaloneServer(_dir, new ProxyOptions { HttpPort = 0, HttpsPort = 0, AdminPort = 0 }, BuildOptions.Default, NullLoggerFactory.Instance)
        {
            Provider = new TestProviderDefinition(_cloud),
            ProviderSettings = new ProviderSettings { Verb = ProviderVerb.Run, Values = new ProviderOptionValues(new Dictionary<string, string> { ["--test-zone"] = "z1" }) },
        };
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<ProxyServer>();
        var running = server.RunAsync(started.SetResult, stop.Token);
        try
        {
            // The first pass is over before the server reports itself started.
            var proxy = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            using var client = new HttpClient();
            var metrics = await client.GetStringAsync($"http://127.0.0.1:{proxy.AdminPort}/metrics");

            Assert.Equal(1, _cloud.Applies);
            Assert.Contains("cloudingress_cloud_api_calls_total{provider=\"test\",operation=\"test:Write\",mutating=\"true\"} 2", metrics, StringComparison.Ordinal);
            Assert.Contains("cloudingress_reconcile_total{result=\"success\"} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<IProviderDefinition> Providers() => [new KestrelProviderDefinition(), new AwsProviderDefinition(), new TestProviderDefinition(_cloud)];

    private async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CloudIngressCli.RunAsync(args, Providers(), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
