using System.Text.Json.Serialization;

namespace CloudIngress.Core.Resources;

/// <summary>
/// Source-generated (de)serialization for the objects we consume. Unknown fields are ignored,
/// numbers must be numbers: a string where the API wants an int is a type error, as it is for
/// the API server.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(Ingress))]
[JsonSerializable(typeof(IngressClass))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(EndpointSlice))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(IPAddressPool))]
[JsonSerializable(typeof(L2Advertisement))]
[JsonSerializable(typeof(BGPAdvertisement))]
public sealed partial class KubernetesJsonContext : JsonSerializerContext;
