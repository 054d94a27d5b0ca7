using CloudIngress.Core.Resources;
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// The package's models into Core's own types, at the Observe edge, so Core stays package-free.
/// Through the wire format rather than field by field: the package writes exactly the JSON the
/// API server sent (names, IntOrString, base64 Secret data, RFC 3339 times) and Core reads that
/// JSON already (it is what manifests are), so no field can be forgotten or mapped twice.
/// </summary>
public static class CoreMapper
{
    public static Ingress Ingress(k8s.Models.V1Ingress model) => Map(model, KubernetesJsonContext.Default.Ingress);

    public static IngressClass IngressClass(k8s.Models.V1IngressClass model) => Map(model, KubernetesJsonContext.Default.IngressClass);

    public static Service Service(k8s.Models.V1Service model) => Map(model, KubernetesJsonContext.Default.Service);

    public static EndpointSlice EndpointSlice(k8s.Models.V1EndpointSlice model) => Map(model, KubernetesJsonContext.Default.EndpointSlice);

    public static Secret Secret(k8s.Models.V1Secret model) => Map(model, KubernetesJsonContext.Default.Secret);

    /// <summary>The package's own serializer options (its converters for times, IntOrString, byte arrays), as it hands them to a configure callback.</summary>
    private static readonly JsonSerializerOptions PackageOptions = CaptureOptions();

    /// <summary>A buffer per thread: informers map concurrently, and one object's JSON need not be allocated anew each time.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Any package model (or custom object) into the Core type <paramref name="type"/> describes.</summary>
    public static T Map<T>(object model, JsonTypeInfo<T> type)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, model, model.GetType(), PackageOptions);
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, type) ?? throw new JsonException($"{typeof(T).Name} mapped to null");
    }

    private static JsonSerializerOptions CaptureOptions()
    {
        JsonSerializerOptions? options = null;
        k8s.KubernetesJson.AddJsonOptions(o => options = o);
        return options!;
    }
}
