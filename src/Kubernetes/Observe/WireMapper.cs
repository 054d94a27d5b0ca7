using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// A package model or custom object into a Core type through the wire format: for the few, small
/// objects the package has no typed model for (MetalLB's custom objects) or that
/// <see cref="CoreMapper"/> does not map field by field (Namespaces), where a JSON pass costs nothing
/// that matters and no field can be forgotten.
/// </summary>
public static class WireMapper
{
    /// <summary>The package's own serializer options (its converters for times, IntOrString, byte arrays), as it hands them to a configure callback.</summary>
    private static readonly JsonSerializerOptions PackageOptions = CaptureOptions();

    /// <summary>A buffer per thread: informers map concurrently, and one object's JSON need not be allocated anew each time.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

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
