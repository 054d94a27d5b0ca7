using System.Text.Json.Serialization;

namespace CloudIngress.Core.Model;

/// <summary>The model as JSON: golden files, <c>plan --output json</c>. Secret material is never written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(GatewayModel))]
[JsonSerializable(typeof(IReadOnlyList<Diagnostics.Diagnostic>))]
public sealed partial class ModelJsonContext : JsonSerializerContext;
