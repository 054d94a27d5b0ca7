using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using System.Text.Json.Nodes;

namespace CloudIngress.Controller.Tests.Providers;

/// <summary>
/// A small provider made only of the contract: it "creates" one load balancer per frontend in
/// memory, counts every read and write, and can be told to fail. What it proves is that the
/// verbs and the reconciler need nothing but the contract.
/// </summary>
internal sealed class TestProvider(TestCloud cloud, string zone) : Provider<IReadOnlyDictionary<string, string>>
{
    public override string Name => "test";

    public override ProviderScope Scope => ProviderScope.Leader;

    public override bool OwnsCloudResources => true;

    public override Task<IReadOnlyDictionary<string, string>> ObserveAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        cloud.Reads++;
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(cloud.LoadBalancers));
    }

    public override ProviderPlan Plan(GatewayModel model, IReadOnlyDictionary<string, string> observed)
    {
        var wanted = model.Frontends.Select(f => f.Id).ToList();
        return new ProviderPlan
        {
            Provider = Name,
            Text = [.. wanted.Select(w => $"load balancer {w} in {zone}")],
            Resources = new JsonObject { ["loadBalancers"] = new JsonArray([.. wanted.Select(w => (JsonNode)JsonValue.Create(w))]), ["zone"] = zone },
            Operations = [.. wanted.Where(w => !observed.ContainsKey(w)).Select(w => new PlannedOperation(OperationAction.Create, "CreateLoadBalancer", w)),
                .. observed.Keys.Where(k => !wanted.Contains(k)).Select(k => new PlannedOperation(OperationAction.Delete, "DeleteLoadBalancer", k))],
            Diagnostics = [.. model.Frontends.SelectMany(f => f.Members).Where(m => m.Name.StartsWith("odd", StringComparison.Ordinal))
                .Select(m => new Diagnostic(DiagnosticSeverity.Warning, "ProviderUnsupported", m, null, "the test cloud dislikes odd names"))],
        };
    }

    public override async Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
    {
        cloud.Applies++;
        cloud.FullResyncs += fullResync ? 1 : 0;
        if (cloud.Failing is { } failure)
        {
            throw new ProviderException(failure, [.. model.Frontends.SelectMany(f => f.Members)
                .Select(m => new Diagnostic(DiagnosticSeverity.Error, "CloudNotConverging", m, null, failure))], [new ApiCall("test:Describe", 1, false)]);
        }

        var plan = await PlanAsync(model, cancellationToken);
        foreach (var operation in plan.Operations)
        {
            cloud.Writes++;
            if (operation.Action == OperationAction.Delete)
            {
                cloud.LoadBalancers.Remove(operation.Subject);
            }
            else
            {
                cloud.LoadBalancers[operation.Subject] = $"{operation.Subject.Replace('/', '-')}.{zone}.test";
            }
        }

        return new ProviderApplyResult
        {
            ByFrontend = cloud.LoadBalancers.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)[l.Value]),
            Diagnostics = plan.Diagnostics,
            Executed = plan.Operations,
            Calls = [new ApiCall("test:Describe", 1, false), new ApiCall("test:Write", plan.Operations.Count, true)],
        };
    }

    public override Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => ApplyAsync(new GatewayModel(), true, cancellationToken);
}

/// <summary>The test provider's "cloud": what exists, and how often it was read and written.</summary>
internal sealed class TestCloud
{
    public Dictionary<string, string> LoadBalancers { get; } = new(StringComparer.Ordinal);

    public int Reads { get; set; }

    public int Writes { get; set; }

    public int Applies { get; set; }

    public int FullResyncs { get; set; }

    public string? Failing { get; set; }
}

internal sealed class TestProviderDefinition(TestCloud cloud) : IProviderDefinition
{
    public static readonly ProviderOption Zone = new("--test-zone", "Zone of the test cloud");

    public string Name => "test";

    public string Summary => "an in-memory cloud for tests";

    public IReadOnlyList<ProviderOption> Options => [Zone];

    public ProviderConfiguration Configure(ProviderSettings settings) =>
        settings.Values.String(Zone) is { } zone
            ? ProviderConfiguration.Ok(new TestProvider(cloud, zone))
            : ProviderConfiguration.Fail("--test-zone is required with --provider test");
}
