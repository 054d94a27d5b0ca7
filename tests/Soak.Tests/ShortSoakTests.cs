using Xunit.Abstractions;

namespace CloudIngress.Soak.Tests;

/// <summary>
/// bench/soak for 20 seconds: the whole client mix against <c>cloudingress serve</c> while its
/// manifests change every 300 ms. The long run and its figures are in bench/RESULTS.md.
/// </summary>
public sealed class ShortSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Soak20Seconds_ReloadsEvery300Ms_NoViolation()
    {
        var summary = new StringWriter();
        var report = await SoakRun.RunAsync(new SoakOptions { Duration = TimeSpan.FromSeconds(20) }, summary);
        output.WriteLine(summary.ToString());

        Assert.True(report.ViolationCount == 0, summary.ToString());
        Assert.True(report.Reloads >= 30, $"only {report.Reloads} reloads\n{summary}");
        Assert.True(report.CountOf("grpc-stream", "completed") > 0 && report.CountOf("websocket", "survived") > 0, summary.ToString());
    }
}
