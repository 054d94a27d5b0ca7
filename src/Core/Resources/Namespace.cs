namespace CloudIngress.Core.Resources;

/// <summary><c>v1</c> Namespace: only its labels matter (MetalLB pools select namespaces by label).</summary>
public sealed record Namespace : IKubernetesObject
{
    public const string ApiVersionValue = "v1";
    public const string KindValue = "Namespace";

    /// <summary>The label the API server puts on every namespace, so a selector can name one.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();
}
