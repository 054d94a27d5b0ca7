using BenchmarkDotNet.Attributes;
using CloudIngress.Core.Build;
using CloudIngress.Core.Model;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Benchmarks;

/// <summary>The Build stage on a large cluster: 5,000 Ingresses, 50,000 paths, 20,000 endpoints.</summary>
[MemoryDiagnoser]
public class ModelBuildBenchmark
{
    private ClusterSnapshot _snapshot = ClusterSnapshot.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = LargeCluster.Create();

        // Measure the size we claim: every path routed, every endpoint resolved.
        var model = ModelBuilder.Build(_snapshot);
        var routes = model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts).Sum(h => h.Routes.Count);
        var endpoints = model.Backends.Sum(b => b.Endpoints.Count);
        if (_snapshot.Ingresses.Count != 5_000 || routes != 50_000 || endpoints != 20_000 || model.Diagnostics.Count != 0)
        {
            throw new InvalidOperationException($"unexpected model: {routes} routes, {endpoints} endpoints, {model.Diagnostics.Count} diagnostics");
        }
    }

    [Benchmark]
    public GatewayModel Build() => ModelBuilder.Build(_snapshot);
}
