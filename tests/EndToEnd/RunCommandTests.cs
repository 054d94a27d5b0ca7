using CloudIngress.Controller.Cli;
using Microsoft.Extensions.Logging.Abstractions;

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
    public async Task Run_ServesTheClustersIngresses_AndStopsCleanly() =>
        await RunFlow.ServesThenStopsAsync(_cluster, [$"--kubeconfig={_cluster.Kubeconfig}"]);
}
