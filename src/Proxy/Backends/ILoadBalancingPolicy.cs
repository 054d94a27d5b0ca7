namespace CloudIngress.Proxy.Backends;

/// <summary>Picks an endpoint among the available ones; never null when the span is not empty.</summary>
internal interface ILoadBalancingPolicy
{
    EndpointState Pick(ReadOnlySpan<EndpointState> available);
}
