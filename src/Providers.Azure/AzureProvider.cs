using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Providers.Azure.Deploy;
using CloudIngress.Providers.Azure.Translate;

namespace CloudIngress.Providers.Azure;

public sealed record AzureProviderOptions
{
    public required AzureTranslateOptions Translate { get; init; }

    public string ClusterName => Translate.ClusterName;

    /// <summary>Read, diff and execute at most this many times per apply: a pass cut short by an error is followed by a fresh read.</summary>
    public int Passes { get; init; } = 5;

    public Action<string> Warn { get; init; } = _ => { };
}

/// <summary>What an apply did: the plan it converged to, the addresses, and what it changed.</summary>
public sealed record AzureApplyResult
{
    public required AzurePlan Plan { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByFrontend { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyDictionary<ObjectRef, IReadOnlyList<string>> ByMember { get; init; } = new Dictionary<ObjectRef, IReadOnlyList<string>>();

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public IReadOnlyList<AzureOperation> Executed { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// The Azure provider: list what the resource group holds, translate, diff, execute, until a pass
/// finds nothing to do. An unchanged model makes three list calls and no write.
/// </summary>
public sealed class AzureProvider(ArmRestClient arm, AzureProviderOptions options)
{
    private static readonly AzureKind[] Kinds = [AzureKind.PublicIp, AzureKind.Gateway, AzureKind.LoadBalancer];

    public ArmRestClient Arm => arm;

    public async Task<AzureInventory> ObserveAsync(CancellationToken ct)
    {
        var inventory = new AzureInventory();
        foreach (var kind in Kinds)
        {
            foreach (var body in await arm.ListAsync(options.Translate.Subscription, options.Translate.ResourceGroup, DesiredResource.TypeOf(kind), ct))
            {
                inventory.Set(ObservedResource.From(kind, body));
            }
        }

        return inventory;
    }

    /// <summary>Pure: the desired resources, the operations that take <paramref name="inventory"/> there, and what could not be done.</summary>
    public static (AzurePlan Plan, IReadOnlyList<AzureOperation> Operations) Plan(GatewayModel model, AzureInventory inventory, AzureProviderOptions options)
    {
        var plan = AzureTranslator.Translate(model, options.Translate);
        var (operations, diagnostics) = AzureDiff.Compute(inventory, plan, options.ClusterName);
        return (diagnostics.Count == 0 ? plan : plan with { Diagnostics = [.. plan.Diagnostics.Concat(diagnostics).Distinct().Order()] }, operations);
    }

    public async Task<AzureApplyResult> ApplyAsync(GatewayModel model, CancellationToken ct)
    {
        var executed = new List<AzureOperation>();
        var warnings = new List<string>();
        Exception? last = null;
        for (var pass = 1; pass <= options.Passes; pass++)
        {
            var progress = executed.Count;
            try
            {
                var inventory = await ObserveAsync(ct);
                var (plan, operations) = Plan(model, inventory, options);
                if (operations.Count == 0)
                {
                    return Result(plan, inventory, executed, warnings);
                }

                var executor = new AzureExecutor(arm, plan, inventory);
                foreach (var operation in operations)
                {
                    await executor.ExecuteAsync(operation, ct);
                    executed.Add(operation);
                }
            }
            catch (ArmException e) when (!ct.IsCancellationRequested)
            {
                // Read again and carry on from what is there now: a 412 means someone else wrote in
                // between, a failed operation or a 5xx may go through next time. ARM refusing the
                // request itself (400) or not answering at all will not change by asking again.
                last = e;
                warnings.Add($"pass {pass}: {e.Message}");
                options.Warn($"pass {pass}: {e.Message}");
                if (executed.Count == progress && e.IsPermanent)
                {
                    break;
                }
            }
        }

        throw new AzureApplyIncompleteException($"Azure did not converge in {options.Passes} passes; last error: {last?.Message ?? "changes kept appearing"}", last);
    }

    private static AzureApplyResult Result(AzurePlan plan, AzureInventory inventory, List<AzureOperation> executed, List<string> warnings)
    {
        var byFrontend = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var byMember = new Dictionary<ObjectRef, IReadOnlyList<string>>();
        foreach (var resource in plan.Resources.Where(r => r.Kind != AzureKind.PublicIp))
        {
            if (inventory.Address(resource) is not { } address)
            {
                continue;
            }

            byFrontend[resource.FrontendId] = [.. byFrontend.GetValueOrDefault(resource.FrontendId, []), address];
            foreach (var member in resource.Members)
            {
                byMember[member] = [address];
            }
        }

        return new AzureApplyResult { Plan = plan, ByFrontend = byFrontend, ByMember = byMember, Diagnostics = plan.Diagnostics, Executed = executed, Warnings = warnings };
    }
}

public sealed class AzureApplyIncompleteException(string message, Exception? inner) : Exception(message, inner);
