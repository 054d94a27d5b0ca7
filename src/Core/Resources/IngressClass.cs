namespace CloudIngress.Core.Resources;

/// <summary><c>networking.k8s.io/v1</c> IngressClass.</summary>
public sealed record IngressClass : IKubernetesObject
{
    public const string ApiVersionValue = "networking.k8s.io/v1";
    public const string KindValue = "IngressClass";

    /// <summary>Annotation that marks the cluster's default class.</summary>
    public const string IsDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public IngressClassSpec? Spec { get; init; }
}

public sealed record IngressClassSpec
{
    public string? Controller { get; init; }

    public IngressClassParametersReference? Parameters { get; init; }
}

public sealed record IngressClassParametersReference
{
    public string? ApiGroup { get; init; }

    public string? Kind { get; init; }

    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Scope { get; init; }
}
