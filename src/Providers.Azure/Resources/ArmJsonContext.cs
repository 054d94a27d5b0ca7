using System.Text.Json.Serialization;

namespace CloudIngress.Providers.Azure.Resources;

/// <summary>Request bodies: camelCase as the REST specification spells them, nulls left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApplicationGateway))]
[JsonSerializable(typeof(LoadBalancer))]
[JsonSerializable(typeof(PublicIPAddress))]
internal sealed partial class ArmJsonContext : JsonSerializerContext;
