using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Model;

/// <summary>
/// A set of endpoints behind one Service port with one way of talking to them. Routes share
/// pools by id; the same Service port with different settings is a different pool.
/// </summary>
public sealed record BackendPool
{
    /// <summary><c>namespace/service:port</c>, plus <c>#hash</c> of the settings when they are not the defaults.</summary>
    public required string Id { get; init; }

    public required ObjectRef Service { get; init; }

    /// <summary>The Service port as referenced (number, or name when it could not be resolved).</summary>
    public required string Port { get; init; }

    public BackendProtocol Protocol { get; init; }

    /// <summary>True for ExternalName Services: the single endpoint is a DNS name.</summary>
    public bool ExternalName { get; init; }

    /// <summary>Ready endpoints only; empty means requests get 503.</summary>
    public IReadOnlyList<BackendEndpoint> Endpoints { get; init; } = [];

    public LoadBalancingPolicy LoadBalancing { get; init; }

    public HealthCheckSettings? HealthCheck { get; init; }

    public UpstreamTls? Tls { get; init; }

    public ProxyProtocolVersion ProxyProtocol { get; init; }

    public TargetType TargetType { get; init; }

    /// <summary>For instance targets: the Service's node port.</summary>
    public int? NodePort { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }
}

public sealed record BackendEndpoint(string Address, int Port)
{
    public string? NodeName { get; init; }

    public string? Zone { get; init; }
}

/// <summary>
/// TLS towards the pods (bridge). With <see cref="Verify"/> and a <see cref="CaSecret"/> whose CA
/// could not be loaded, nothing verifies: connections fail closed.
/// </summary>
public sealed record UpstreamTls
{
    public string? Sni { get; init; }

    public bool Verify { get; init; } = true;

    public ObjectRef? CaSecret { get; init; }

    /// <summary>Number of CA certificates loaded from <see cref="CaSecret"/>.</summary>
    public int CaCertificates { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string? CaPem { get; init; }
}
