namespace CloudIngress.Proxy.Backends;

internal sealed class RoundRobinPolicy : ILoadBalancingPolicy
{
    private uint _next;

    public EndpointState Pick(ReadOnlySpan<EndpointState> available) =>
        available[(int)(Interlocked.Increment(ref _next) % (uint)available.Length)];
}
