using BenchmarkDotNet.Attributes;
using CloudIngress.Core.Build;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;

namespace CloudIngress.Benchmarks;

/// <summary>
/// The AWS provider's pure stages on the large cluster (5,000 Ingresses, 50,000 paths in 10 groups):
/// Translate (rules, sharding over many ALBs, target groups) and the diff of a first apply.
/// </summary>
[MemoryDiagnoser]
public class AwsPlanBenchmark
{
    private static readonly AwsTranslateOptions Options = new() { ClusterName = "bench" };
    private GatewayModel _model = new();
    private AwsPlan _plan = new();

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelBuilder.Build(LargeCluster.Create());
        _plan = AwsTranslator.Translate(_model, Options);
        var rules = _plan.LoadBalancers.SelectMany(l => l.Listeners).Sum(l => l.Rules.Count);
        if (rules < 50_000 || _plan.LoadBalancers.Count < 100)
        {
            throw new InvalidOperationException($"unexpected plan: {rules} rules on {_plan.LoadBalancers.Count} load balancers");
        }
    }

    [Benchmark]
    public AwsPlan Translate() => AwsTranslator.Translate(_model, Options);

    [Benchmark]
    public IReadOnlyList<AwsOperation> DiffFromNothing() => AwsDiff.Compute(new AwsInventory(), _plan);
}
