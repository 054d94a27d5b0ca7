using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Resources;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Providers.MetalLb.Exposure;
using CloudIngress.Providers.MetalLb.Planning;
using k8s;
using IKubernetesObject = CloudIngress.Core.Resources.IKubernetesObject;
using k8s.Models;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.MetalLb.Cluster;

/// <summary>What a pass of writes did: the operations carried out, the writes refused (objects we do not own), and the ones that failed.</summary>
public sealed record WriteOutcome(IReadOnlyList<PlannedOperation> Executed, IReadOnlyList<Diagnostic> Refused, IReadOnlyList<string> Failed);

/// <summary>
/// Carries out a plan's writes: server-side apply, as <see cref="FieldManager"/>, of the owned
/// Services and pools-as-code objects that differ, and deletion of owned ones no longer needed.
/// Ownership is checked on the live object just before each write, so an object someone else
/// created meanwhile under the same name is refused (a diagnostic), never overwritten or deleted.
/// </summary>
public sealed class ClusterWriter(IKubernetes client)
{
    public const string FieldManager = CustomResourceClient<Kubernetes.Client.IPAddressPool>.FieldManager;

    private readonly Dictionary<string, long> _calls = new(StringComparer.Ordinal);

    /// <summary>API calls by operation over this writer's life.</summary>
    public IReadOnlyList<ApiCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new ApiCall(c.Key, c.Value, !c.Key.StartsWith("Get", StringComparison.Ordinal)))];
            }
        }
    }

    /// <summary>
    /// Every write of <paramref name="plan"/>, each on its own: one the API refuses or fails is
    /// listed in <see cref="WriteOutcome.Failed"/> and the others still go ahead.
    /// </summary>
    public async Task<WriteOutcome> ExecuteAsync(MetalLbPlan plan, CancellationToken cancellationToken)
    {
        var executed = new List<PlannedOperation>();
        var refused = new List<Diagnostic>();
        var failed = new List<string>();
        foreach (var operation in plan.Operations)
        {
            var isApply = operation.Action != OperationAction.Delete;
            var target = (isApply ? plan.Declared : plan.Deleted).First(o => operation.Call.EndsWith(ObjectRefs.For(o).Kind, StringComparison.Ordinal) && ObjectRefs.For(o).Key == operation.Subject);
            var reference = ObjectRefs.For(target);
            try
            {
                var live = await GetAsync(reference, cancellationToken);
                if (live is not null && !IsOwned(live))
                {
                    if (isApply)
                    {
                        refused.Add(new Diagnostic(DiagnosticSeverity.Error, reference.Kind == Service.KindValue ? DiagnosticCodes.ExposureServiceNotOwned : DiagnosticCodes.AddressPoolInvalid,
                            reference, "metadata.labels",
                            $"exists without {ExposureOptions.ManagedByLabel}: {ExposureOptions.ManagedByValue}; the controller never modifies a {reference.Kind} it does not own, so it was left as it is"));
                    }

                    continue; // not ours: neither written nor deleted
                }

                if (isApply)
                {
                    await ApplyAsync(reference, target, cancellationToken);
                }
                else if (live is not null)
                {
                    await DeleteAsync(reference, cancellationToken);
                }

                executed.Add(operation);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && ApiErrors.IsApiFailure(e))
            {
                failed.Add($"{operation}: {ApiErrors.Describe(e)}");
            }
        }

        return new WriteOutcome(executed, refused, failed);
    }

    private static bool IsOwned(JsonNode live) =>
        (string?)live["metadata"]?["labels"]?[ExposureOptions.ManagedByLabel] == ExposureOptions.ManagedByValue;

    private async Task<JsonNode?> GetAsync(ObjectRef reference, CancellationToken cancellationToken)
    {
        Count("Get" + reference.Kind);
        try
        {
            if (reference.Kind == Service.KindValue)
            {
                var service = await client.CoreV1.ReadNamespacedServiceAsync(reference.Name, Ns(reference), cancellationToken: cancellationToken);
                return JsonNode.Parse(KubernetesJson.Serialize(service));
            }

            var kind = Kind(reference);
            var obj = await client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.Version, Ns(reference), kind.Plural, reference.Name, cancellationToken);
            return obj is JsonElement json ? JsonNode.Parse(json.GetRawText()) : null;
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }

    private async Task ApplyAsync(ObjectRef reference, IKubernetesObject desired, CancellationToken cancellationToken)
    {
        Count("Apply" + reference.Kind);
        var patch = new V1Patch(Json(desired), V1Patch.PatchType.ApplyPatch);
        if (reference.Kind == Service.KindValue)
        {
            await client.CoreV1.PatchNamespacedServiceAsync(patch, reference.Name, Ns(reference), fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            return;
        }

        var kind = Kind(reference);
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, kind.Group, kind.Version, Ns(reference), kind.Plural, reference.Name,
            fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
    }

    private async Task DeleteAsync(ObjectRef reference, CancellationToken cancellationToken)
    {
        Count("Delete" + reference.Kind);
        try
        {
            if (reference.Kind == Service.KindValue)
            {
                await client.CoreV1.DeleteNamespacedServiceAsync(reference.Name, Ns(reference), cancellationToken: cancellationToken);
                return;
            }

            var kind = Kind(reference);
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, Ns(reference), kind.Plural, reference.Name, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
        }
    }

    /// <summary>The object as Core writes Kubernetes JSON: only the fields it sets, which is what server-side apply wants.</summary>
    private static string Json(IKubernetesObject desired) => desired switch
    {
        Service s => JsonSerializer.Serialize(s with { Status = null, Metadata = s.Metadata with { CreationTimestamp = null } }, KubernetesJsonContext.Default.Service),
        Core.Resources.IPAddressPool p => JsonSerializer.Serialize(p, KubernetesJsonContext.Default.IPAddressPool),
        Core.Resources.L2Advertisement a => JsonSerializer.Serialize(a, KubernetesJsonContext.Default.L2Advertisement),
        BGPAdvertisement a => JsonSerializer.Serialize(a, KubernetesJsonContext.Default.BGPAdvertisement),
        _ => throw new ArgumentException($"{desired.Kind} is not written by the MetalLB provider", nameof(desired)),
    };

    private static CustomResourceKind Kind(ObjectRef reference) => reference.Kind switch
    {
        "IPAddressPool" => Kubernetes.Client.MetalLb.IPAddressPools,
        "L2Advertisement" => Kubernetes.Client.MetalLb.L2Advertisements,
        _ => Kubernetes.Client.MetalLb.BgpAdvertisements,
    };

    private static string Ns(ObjectRef reference) => reference.Namespace ?? ObjectRefs.DefaultNamespace;

    private void Count(string operation)
    {
        lock (_calls)
        {
            _calls[operation] = _calls.GetValueOrDefault(operation) + 1;
        }
    }
}
