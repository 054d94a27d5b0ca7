using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Translate;

namespace CloudIngress.Providers.Azure.Deploy;

/// <summary>One PUT or DELETE of a whole resource: an application gateway's changes go up together.</summary>
public sealed record AzureOperation(OperationAction Action, DesiredResource? Desired, ObservedResource? Observed)
{
    public AzureKind Kind => Desired?.Kind ?? Observed!.Kind;

    public string Name => Desired?.Name ?? Observed!.Name;

    public string Id => Desired?.Id ?? Observed!.Id;

    public string Call => (Action == OperationAction.Delete ? "Delete" : "Put") + Kind switch
    {
        AzureKind.PublicIp => "PublicIPAddress",
        AzureKind.Gateway => "ApplicationGateway",
        _ => "LoadBalancer",
    };

    public PlannedOperation ToPlanned() => new(Action, Call, Name);
}

/// <summary>
/// The diff (pure): PUT what is missing or differs in a field we set, DELETE what the cluster
/// owns and no longer wants. Public IPs go up before what uses them and come down after; a
/// resource of the name we want that the cluster does not own is never touched.
/// </summary>
public static class AzureDiff
{
    public static (IReadOnlyList<AzureOperation> Operations, IReadOnlyList<Diagnostic> Diagnostics) Compute(AzureInventory inventory, AzurePlan plan, string cluster)
    {
        var puts = new List<AzureOperation>();
        var diagnostics = new List<Diagnostic>();
        var wanted = new HashSet<(AzureKind, string)>();
        var foreign = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var desired in plan.Resources)
        {
            wanted.Add((desired.Kind, desired.Name.ToLowerInvariant()));
            var actual = inventory.Find(desired.Kind, desired.Name);
            if (desired.PublicIpId is { } pip && foreign.Contains(pip))
            {
                // Never put our frontend on someone else's address.
                continue;
            }

            if (actual is null)
            {
                puts.Add(new AzureOperation(OperationAction.Create, desired, null));
            }
            else if (!AzureTags.OwnedBy(actual.Tags, cluster))
            {
                foreign.Add(desired.Id);
                diagnostics.AddRange(plan.Resources.Where(r => r.FrontendId == desired.FrontendId).SelectMany(r => r.Members).Distinct().Select(m => new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, m, null,
                    $"{actual.Id} exists and is not tagged {AzureTags.Cluster}={cluster}; CloudIngress leaves it as it is")));
            }
            else if (actual.ProvisioningState is "Failed" || !JsonSubset.Covers(actual.Body, desired.Body))
            {
                puts.Add(new AzureOperation(OperationAction.Update, desired, actual));
            }
        }

        var deletes = inventory.OwnedBy(cluster).Where(r => !wanted.Contains((r.Kind, r.Name.ToLowerInvariant())))
            .OrderBy(r => r.Kind == AzureKind.PublicIp ? 1 : 0).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => new AzureOperation(OperationAction.Delete, null, r));
        var ordered = puts.OrderBy(p => p.Kind == AzureKind.PublicIp ? 0 : 1).Concat(deletes).ToList();
        return (ordered, diagnostics);
    }
}
