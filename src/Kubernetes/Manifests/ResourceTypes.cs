using CloudIngress.Core.Resources;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CloudIngress.Kubernetes.Manifests;

/// <summary>The kinds we read, by apiVersion and kind, and how to deserialize them.</summary>
internal static class ResourceTypes
{
    private static readonly Dictionary<(string ApiVersion, string Kind), JsonTypeInfo> Known = new()
    {
        [(Ingress.ApiVersionValue, Ingress.KindValue)] = KubernetesJsonContext.Default.Ingress,
        [(IngressClass.ApiVersionValue, IngressClass.KindValue)] = KubernetesJsonContext.Default.IngressClass,
        [(Service.ApiVersionValue, Service.KindValue)] = KubernetesJsonContext.Default.Service,
        [(EndpointSlice.ApiVersionValue, EndpointSlice.KindValue)] = KubernetesJsonContext.Default.EndpointSlice,
        [(Secret.ApiVersionValue, Secret.KindValue)] = KubernetesJsonContext.Default.Secret,
        [(Namespace.ApiVersionValue, Namespace.KindValue)] = KubernetesJsonContext.Default.Namespace,
        [(IPAddressPool.ApiVersionValue, IPAddressPool.KindValue)] = KubernetesJsonContext.Default.IPAddressPool,
        [(L2Advertisement.ApiVersionValue, L2Advertisement.KindValue)] = KubernetesJsonContext.Default.L2Advertisement,
        [(BGPAdvertisement.ApiVersionValue, BGPAdvertisement.KindValue)] = KubernetesJsonContext.Default.BGPAdvertisement,
    };

    public static bool IsKnownKind(string kind) => Known.Keys.Any(k => k.Kind == kind);

    public static string ApiVersionFor(string kind) => Known.Keys.First(k => k.Kind == kind).ApiVersion;

    public static JsonTypeInfo? Find(string apiVersion, string kind) => Known.GetValueOrDefault((apiVersion, kind));

    public static IKubernetesObject Deserialize(JsonNode node, JsonTypeInfo typeInfo) =>
        (IKubernetesObject)(node.Deserialize(typeInfo) ?? throw new JsonException("the document is null"));
}
