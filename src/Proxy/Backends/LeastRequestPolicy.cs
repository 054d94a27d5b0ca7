namespace CloudIngress.Proxy.Backends;

/// <summary>The endpoint with the fewest requests in flight; ties rotate so idle pools still spread.</summary>
internal sealed class LeastRequestPolicy : ILoadBalancingPolicy
{
    private uint _offset;

    public EndpointState Pick(ReadOnlySpan<EndpointState> available)
    {
        var start = (int)(Interlocked.Increment(ref _offset) % (uint)available.Length);
        var best = available[start];
        for (var i = 1; i < available.Length; i++)
        {
            var candidate = available[(start + i) % available.Length];
            if (candidate.ActiveRequests < best.ActiveRequests)
            {
                best = candidate;
            }
        }

        return best;
    }
}
