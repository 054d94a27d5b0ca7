using CloudIngress.Core.Resources;
using System.Text.Json.Serialization;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>The plan's objects as Kubernetes JSON: the owned Services in <c>plan --output json</c>, specs compared for the diff.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(IPAddressPoolSpec))]
[JsonSerializable(typeof(L2AdvertisementSpec))]
[JsonSerializable(typeof(BGPAdvertisementSpec))]
public sealed partial class MetalLbJson : JsonSerializerContext;
