namespace CloudIngress.Core.Resources;

/// <summary><c>networking.k8s.io/v1</c> Ingress.</summary>
public sealed record Ingress : IKubernetesObject
{
    public const string ApiVersionValue = "networking.k8s.io/v1";
    public const string KindValue = "Ingress";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public IngressSpec? Spec { get; init; }

    public IngressStatus? Status { get; init; }
}

public sealed record IngressSpec
{
    public string? IngressClassName { get; init; }

    public IngressBackend? DefaultBackend { get; init; }

    public IReadOnlyList<IngressTls>? Tls { get; init; }

    public IReadOnlyList<IngressRule>? Rules { get; init; }
}

public sealed record IngressBackend
{
    public IngressServiceBackend? Service { get; init; }

    public TypedLocalObjectReference? Resource { get; init; }
}

public sealed record IngressServiceBackend
{
    public string? Name { get; init; }

    public ServiceBackendPort? Port { get; init; }
}

public sealed record ServiceBackendPort
{
    public string? Name { get; init; }

    public int? Number { get; init; }
}

public sealed record TypedLocalObjectReference
{
    public string? ApiGroup { get; init; }

    public string? Kind { get; init; }

    public string? Name { get; init; }
}

public sealed record IngressTls
{
    public IReadOnlyList<string>? Hosts { get; init; }

    public string? SecretName { get; init; }
}

public sealed record IngressRule
{
    public string? Host { get; init; }

    public HttpIngressRuleValue? Http { get; init; }
}

public sealed record HttpIngressRuleValue
{
    public IReadOnlyList<HttpIngressPath>? Paths { get; init; }
}

public sealed record HttpIngressPath
{
    public string? Path { get; init; }

    public string? PathType { get; init; }

    public IngressBackend? Backend { get; init; }
}

public sealed record IngressStatus
{
    public LoadBalancerStatus? LoadBalancer { get; init; }
}
