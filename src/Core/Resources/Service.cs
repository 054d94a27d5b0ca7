namespace CloudIngress.Core.Resources;

/// <summary><c>v1</c> Service.</summary>
public sealed record Service : IKubernetesObject
{
    public const string ApiVersionValue = "v1";
    public const string KindValue = "Service";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public ServiceSpec? Spec { get; init; }

    public ServiceStatus? Status { get; init; }
}

public sealed record ServiceSpec
{
    /// <summary>ClusterIP (the API default), NodePort, LoadBalancer or ExternalName.</summary>
    public string? Type { get; init; }

    public IReadOnlyList<ServicePort>? Ports { get; init; }

    public IReadOnlyDictionary<string, string>? Selector { get; init; }

    public string? ClusterIP { get; init; }

    public string? LoadBalancerClass { get; init; }

    public string? LoadBalancerIP { get; init; }

    public IReadOnlyList<string>? LoadBalancerSourceRanges { get; init; }

    public string? ExternalTrafficPolicy { get; init; }

    public string? ExternalName { get; init; }

    /// <summary><c>IPv4</c>, <c>IPv6</c>, or both (the first is the primary family); the API server fills it.</summary>
    public IReadOnlyList<string>? IpFamilies { get; init; }

    /// <summary><c>SingleStack</c> (the default), <c>PreferDualStack</c> or <c>RequireDualStack</c>.</summary>
    public string? IpFamilyPolicy { get; init; }
}

public sealed record ServicePort
{
    public string? Name { get; init; }

    public string? Protocol { get; init; }

    public string? AppProtocol { get; init; }

    public int Port { get; init; }

    public IntOrString? TargetPort { get; init; }

    public int? NodePort { get; init; }
}

public sealed record ServiceStatus
{
    public LoadBalancerStatus? LoadBalancer { get; init; }
}
