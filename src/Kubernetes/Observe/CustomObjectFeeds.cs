using CloudIngress.Core.Resources;
using CustomResourceKind = CloudIngress.Kubernetes.Client.CustomResourceKind;
using MetalLb = CloudIngress.Kubernetes.Client.MetalLb;
using k8s;
using k8s.Models;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// A custom object as the API sent it: metadata typed, every other field kept as JSON, so that
/// mapping into Core's type loses nothing the package has no model for.
/// </summary>
public sealed class RawCustomObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Fields { get; set; }
}

public sealed class RawCustomObjectList : IItems<RawCustomObject>, IMetadata<V1ListMeta>
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ListMeta Metadata { get; set; } = new();

    public IList<RawCustomObject> Items { get; set; } = [];
}

/// <summary>List and watch, over all namespaces, of the custom kinds the MetalLB provider reads.</summary>
public static class CustomObjectFeeds
{
    public static IResourceFeed<IPAddressPool> AddressPools(IKubernetes client) =>
        Feed(client, MetalLb.IPAddressPools, o => WireMapper.Map(o, KubernetesJsonContext.Default.IPAddressPool));

    public static IResourceFeed<L2Advertisement> L2Advertisements(IKubernetes client) =>
        Feed(client, MetalLb.L2Advertisements, o => WireMapper.Map(o, KubernetesJsonContext.Default.L2Advertisement));

    public static IResourceFeed<BGPAdvertisement> BgpAdvertisements(IKubernetes client) =>
        Feed(client, MetalLb.BgpAdvertisements, o => WireMapper.Map(o, KubernetesJsonContext.Default.BGPAdvertisement));

    /// <summary>Namespaces, for their labels (pools select namespaces by label).</summary>
    public static IResourceFeed<Namespace> Namespaces(IKubernetes client) =>
        new KubernetesFeed<V1Namespace, V1NamespaceList, Namespace>("namespaces",
            (c, ct) => client.CoreV1.ListNamespaceWithHttpMessagesAsync(continueParameter: c, limit: ObservedKinds.PageSize, cancellationToken: ct),
            (rv, e, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: ObservedKinds.WatchSeconds, onError: e, cancellationToken: ct),
            o => WireMapper.Map(o, KubernetesJsonContext.Default.Namespace));

    private static KubernetesFeed<RawCustomObject, RawCustomObjectList, T> Feed<T>(IKubernetes client, CustomResourceKind kind, Func<RawCustomObject, T> map)
        where T : class =>
        new(kind.Plural,
            (c, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<RawCustomObjectList>(kind.Group, kind.Version, kind.Plural,
                continueParameter: c, limit: ObservedKinds.PageSize, cancellationToken: ct),
            (rv, e, ct) => Typed(client.CustomObjects.WatchListClusterCustomObjectAsync(kind.Group, kind.Version, kind.Plural,
                allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: ObservedKinds.WatchSeconds, onError: e, cancellationToken: ct)),
            map);

    /// <summary>The package's untyped watch gives each object as JSON; read it as the package reads its own models.</summary>
    private static async IAsyncEnumerable<(WatchEventType, RawCustomObject)> Typed(IAsyncEnumerable<(WatchEventType, object)> events)
    {
        await foreach (var (type, obj) in events)
        {
            yield return (type, obj is JsonElement json ? KubernetesJson.Deserialize<RawCustomObject>(json) : throw new JsonException($"a watch event held {obj?.GetType().Name}, not JSON"));
        }
    }
}
