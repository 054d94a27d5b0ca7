namespace CloudIngress.Core.Annotations;

/// <summary>How TLS is handled for an Ingress (docs/architecture.md, "TLS modes per provider").</summary>
public enum TlsMode
{
    Offload,
    Passthrough,
    Bridge,
}

/// <summary>The protocol spoken to the pods.</summary>
public enum BackendProtocol
{
    Http,
    Https,
    Grpc,
    Grpcs,
    Tcp,
    Udp,
}

public enum LoadBalancerScheme
{
    InternetFacing,
    Internal,
}

public enum LoadBalancingPolicy
{
    RoundRobin,
    LeastRequest,
    RandomTwo,
}

public enum ProxyProtocolVersion
{
    None,
    V1,
    V2,
}

/// <summary>Cloud target registration: pod IPs, or node ports on every node.</summary>
public enum TargetType
{
    Ip,
    Instance,
}

/// <summary>Which kind of object an annotation is read from.</summary>
[Flags]
public enum AnnotationScope
{
    Ingress = 1,
    Service = 2,
    Both = Ingress | Service,
}
