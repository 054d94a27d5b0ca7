using BenchmarkDotNet.Attributes;
using CloudIngress.Core.Build;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Azure.Deploy;
using CloudIngress.Providers.Azure.Translate;
using System.Text.Json.Nodes;

namespace CloudIngress.Benchmarks;

/// <summary>
/// The Azure provider's pure stages on the large cluster (5,000 Ingresses, 50,000 paths in 10
/// groups): Translate to one Application Gateway per group (with the per-gateway limits lifted,
/// so every host and path is emitted), the diff of a first apply, and the diff of a steady-state
/// resync against a resource group that already holds all of it (every field compared).
/// </summary>
[MemoryDiagnoser]
public class AzurePlanBenchmark
{
    private static readonly AzureTranslateOptions Options = new()
    {
        ClusterName = "bench",
        Subscription = "00000000-0000-0000-0000-000000000000",
        ResourceGroup = "bench",
        Location = "westeurope",
        GatewaySubnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/appgw",
        Limits = new AzureLimits { Listeners = 100_000, RoutingRules = 100_000, SslCertificates = 100_000, BackendPools = 100_000, BackendSettings = 100_000, PathRulesPerMap = 100_000 },
    };

    private GatewayModel _model = new();
    private AzurePlan _plan = new();
    private AzureInventory _converged = new();

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelBuilder.Build(LargeCluster.Create());
        _plan = AzureTranslator.Translate(_model, Options);
        var paths = _plan.Resources.Where(r => r.Kind == AzureKind.Gateway)
            .SelectMany(r => r.Body["properties"]!["urlPathMaps"]!.AsArray()).Sum(m => m!["properties"]!["pathRules"]!.AsArray().Count);
        if (paths < 40_000 || _plan.Resources.Count(r => r.Kind == AzureKind.Gateway) < 10)
        {
            throw new InvalidOperationException($"unexpected plan: {paths} path rules on {_plan.Resources.Count} resources");
        }

        foreach (var resource in _plan.Resources)
        {
            var body = (JsonObject)resource.Body.DeepClone();
            body["name"] = resource.Name;
            body["id"] = resource.Id;
            body["etag"] = "W/\"1\"";
            _converged.Set(ObservedResource.From(resource.Kind, body));
        }

        if (AzureDiff.Compute(_converged, _plan, Options.ClusterName).Operations.Count != 0)
        {
            throw new InvalidOperationException("a resource group holding the plan should need no operation");
        }
    }

    [Benchmark]
    public AzurePlan Translate() => AzureTranslator.Translate(_model, Options);

    [Benchmark]
    public int DiffFromNothing() => AzureDiff.Compute(new AzureInventory(), _plan, Options.ClusterName).Operations.Count;

    [Benchmark]
    public int DiffUnchanged() => AzureDiff.Compute(_converged, _plan, Options.ClusterName).Operations.Count;
}
