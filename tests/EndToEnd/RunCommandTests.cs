using CloudIngress.Controller.Cli;
using CloudIngress.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using System.Net;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>The <c>run</c> verb itself: its refusals, and a whole run from flags to routed traffic.</summary>
public sealed class RunCommandTests : IAsyncLifetime
{
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(NullLoggerFactory.Instance);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("--provider=gce", "--provider: \"gce\" is not a provider (providers: kestrel, aws, azure, metallb)")]
    [InlineData("--log-format=xml", "--log-format: \"xml\" is neither text nor json")]
    [InlineData("--publish-service=just-a-name", "--publish-service: \"just-a-name\" is not namespace/name")]
    [InlineData("--kubeconfig=/nonexistent/kubeconfig", "/nonexistent/kubeconfig")]
    public async Task BadFlags_AreRefusedByName(string flag, string message)
    {
        using var error = new StringWriter();
        var code = await CloudIngressCli.RunAsync(["run", flag], TextWriter.Null, error);
        Assert.Equal(ExitCodes.UnusableInput, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ServesTheClustersIngresses_AndStopsCleanly()
    {
        var backend = await _cluster.StartBackendAsync("web");
        var (http, https, admin) = (ClusterHarness.FreePort(), ClusterHarness.FreePort(), ClusterHarness.FreePort());
        using var stop = new CancellationTokenSource();
        var run = CloudIngressCli.RunAsync(
            ["run", $"--kubeconfig={_cluster.Kubeconfig}", "--no-leader-election", "--publish-address=203.0.113.5", "--access-log=off",
             $"--http-port={http}", $"--https-port={https}", $"--admin-port={admin}", "--shutdown-timeout=1"],
            TextWriter.Null, TextWriter.Null, stop.Token);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Until(async () =>
        {
            try
            {
                return (await client.GetAsync($"http://127.0.0.1:{admin}/readyz")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(15), "ready");

        await _cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {ports: [{name: http, port: 80}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-1
              namespace: default
              labels: {kubernetes.io/service-name: web}
            addressType: IPv4
            endpoints: [{addresses: ["127.0.0.1"]}]
            ports: [{name: http, port: {{backend}}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop, namespace: default}
            spec:
              ingressClassName: cloudingress
              defaultBackend:
                service:
                  name: web
                  port: {number: 80}
            """);
        await Eventually.Until(async () => (await client.GetAsync($"http://127.0.0.1:{http}/x")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "routed");
        await Eventually.Until(async () => (await _cluster.KubectlAsync(null, "get", "ingress", "shop", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")) == "203.0.113.5",
            TimeSpan.FromSeconds(10), "status");

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run.WaitAsync(TimeSpan.FromSeconds(15)));
    }
}
