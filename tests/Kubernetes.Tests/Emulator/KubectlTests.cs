using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Tests;
using System.Diagnostics;

namespace CloudIngress.Kubernetes.Tests.Emulator;

/// <summary>The machine's kubectl applies, lists, re-applies and deletes the examples against the emulator.</summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-kubectl-").FullName;
    private KubernetesApiEmulator _api = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        File.WriteAllText(Path.Combine(_dir, "kubeconfig"), _api.Kubeconfig());
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Kubectl_AppliesGetsReappliesAndDeletesTheExamples()
    {
        var examples = RepoPaths.Of("examples");
        // No OpenAPI documents are served, so kubectl's client-side schema validation is off.
        var applied = await Kubectl("apply", "--validate=false", "-R", "-f", examples);
        Assert.Contains("ingress.networking.k8s.io/shop created", applied, StringComparison.Ordinal);
        Assert.Contains("namespace/team-a created", applied, StringComparison.Ordinal);

        var ingresses = await Kubectl("get", "ingresses", "-A", "-o", "name");
        foreach (var name in new[] { "shop", "tenants", "app", "secure", "bridge", "storefront", "checkout" })
        {
            Assert.Contains($"ingress.networking.k8s.io/{name}", ingresses, StringComparison.Ordinal);
        }

        Assert.Contains("checkout", await Kubectl("get", "ing", "-n", "team-b"), StringComparison.Ordinal);
        var again = await Kubectl("apply", "--validate=false", "-R", "-f", examples);
        Assert.Contains("ingress.networking.k8s.io/shop unchanged", again, StringComparison.Ordinal);

        await Kubectl("delete", "-R", "-f", examples, "--wait=false");
        Assert.Empty(_api.Store.List(ApiResource.All.Single(r => r.Plural == "ingresses"), null, _ => true).Items);
    }

    private async Task<string> Kubectl(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["KUBECONFIG"] = Path.Combine(_dir, "kubeconfig");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {await error}");
        return await output;
    }
}
