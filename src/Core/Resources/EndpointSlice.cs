namespace CloudIngress.Core.Resources;

/// <summary><c>discovery.k8s.io/v1</c> EndpointSlice.</summary>
public sealed record EndpointSlice : IKubernetesObject
{
    public const string ApiVersionValue = "discovery.k8s.io/v1";
    public const string KindValue = "EndpointSlice";

    /// <summary>Label that ties a slice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>IPv4, IPv6 or FQDN.</summary>
    public string? AddressType { get; init; }

    public IReadOnlyList<Endpoint>? Endpoints { get; init; }

    public IReadOnlyList<EndpointPort>? Ports { get; init; }
}

public sealed record Endpoint
{
    public IReadOnlyList<string>? Addresses { get; init; }

    public EndpointConditions? Conditions { get; init; }

    public string? Hostname { get; init; }

    public string? NodeName { get; init; }

    public string? Zone { get; init; }

    public ObjectReference? TargetRef { get; init; }
}

/// <summary>A nil condition means "unknown"; the API says consumers treat unknown ready as ready.</summary>
public sealed record EndpointConditions
{
    public bool? Ready { get; init; }

    public bool? Serving { get; init; }

    public bool? Terminating { get; init; }
}

public sealed record EndpointPort
{
    public string? Name { get; init; }

    public string? Protocol { get; init; }

    public string? AppProtocol { get; init; }

    public int? Port { get; init; }
}

public sealed record ObjectReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Uid { get; init; }
}
