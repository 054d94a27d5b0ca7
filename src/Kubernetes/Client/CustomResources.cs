using k8s;
using k8s.Models;
using System.Text.Json;

namespace CloudIngress.Kubernetes.Client;

/// <summary>Where a custom resource kind (a CRD) lives in the API.</summary>
public sealed record CustomResourceKind(string Group, string Version, string Kind, string Plural)
{
    public string ApiVersion => $"{Group}/{Version}";
}

/// <summary>
/// One namespaced custom resource kind, typed as <typeparamref name="T"/>, over the package's
/// generic <c>CustomObjects</c> operations (which speak untyped JSON). Writes are server-side
/// applies as <see cref="FieldManager"/>, so fields other managers own are left alone.
/// </summary>
public sealed class CustomResourceClient<T>(IKubernetes client, CustomResourceKind kind)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public const string FieldManager = "cloudingress";

    public CustomResourceKind Kind => kind;

    public async Task<IReadOnlyList<T>> ListAsync(string ns, string? labelSelector = null, CancellationToken cancellationToken = default)
    {
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, labelSelector: labelSelector,
            cancellationToken: cancellationToken);
        return Read<CustomResourceList>(list).Items ?? [];
    }

    /// <summary>The object, or null when there is none.</summary>
    public async Task<T?> GetAsync(string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return Read<T>(await client.CustomObjects.GetNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken));
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }

    /// <summary>Server-side apply of <paramref name="desired"/> (its namespace and name say which object), forcing our fields.</summary>
    public async Task<T> ApplyAsync(T desired, CancellationToken cancellationToken = default)
    {
        desired.ApiVersion = kind.ApiVersion;
        desired.Kind = kind.Kind;
        var patch = new V1Patch(KubernetesJson.Serialize(desired), V1Patch.PatchType.ApplyPatch);
        var applied = await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, kind.Group, kind.Version, desired.Metadata.NamespaceProperty,
            kind.Plural, desired.Metadata.Name, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
        return Read<T>(applied);
    }

    /// <summary>Deletes the object; one that is already gone is not an error.</summary>
    public async Task DeleteAsync(string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
        }
    }

    /// <summary>The operations answer a <see cref="JsonElement"/>; read it as the package reads its own models.</summary>
    private TValue Read<TValue>(object answer) =>
        answer is JsonElement json ? KubernetesJson.Deserialize<TValue>(json) : throw new JsonException($"{kind.Kind}: the API answered {answer?.GetType().Name ?? "nothing"}, not JSON");

    private sealed class CustomResourceList
    {
        public IReadOnlyList<T>? Items { get; set; }
    }
}
