using CloudIngress.Core.Resources;
using System.Text.Json.Serialization.Metadata;

namespace CloudIngress.Kubernetes.Api;

/// <summary>Where a kind lives in the API, and how its objects are (de)serialized.</summary>
public sealed record ResourceType<T>(string Group, string Version, string Plural, bool Namespaced, JsonTypeInfo<T> TypeInfo)
    where T : class
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>/api/v1/namespaces/NS/services</c>, <c>/apis/networking.k8s.io/v1/ingresses</c> (all namespaces).</summary>
    public string Path(string? ns, string? name = null, string? subresource = null)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        var scope = Namespaced && !string.IsNullOrEmpty(ns) ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{root}/{Plural}";
        var item = name is null ? scope : $"{scope}/{Uri.EscapeDataString(name)}";
        return subresource is null ? item : $"{item}/{subresource}";
    }
}

/// <summary>The kinds the controller reads and writes.</summary>
public static class ResourceTypes
{
    public static readonly ResourceType<Ingress> Ingresses = new("networking.k8s.io", "v1", "ingresses", true, KubernetesJsonContext.Default.Ingress);
    public static readonly ResourceType<IngressClass> IngressClasses = new("networking.k8s.io", "v1", "ingressclasses", false, KubernetesJsonContext.Default.IngressClass);
    public static readonly ResourceType<Service> Services = new(string.Empty, "v1", "services", true, KubernetesJsonContext.Default.Service);
    public static readonly ResourceType<EndpointSlice> EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", true, KubernetesJsonContext.Default.EndpointSlice);
    public static readonly ResourceType<Secret> Secrets = new(string.Empty, "v1", "secrets", true, KubernetesJsonContext.Default.Secret);
    public static readonly ResourceType<Lease> Leases = new("coordination.k8s.io", "v1", "leases", true, ControllerJsonContext.Default.Lease);
    public static readonly ResourceType<KubernetesEvent> Events = new(string.Empty, "v1", "events", true, ControllerJsonContext.Default.KubernetesEvent);
}
