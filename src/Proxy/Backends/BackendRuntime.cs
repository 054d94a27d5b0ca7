using CloudIngress.Core.Model;
using CloudIngress.Proxy.Forwarding;

namespace CloudIngress.Proxy.Backends;

/// <summary>A pool as the proxy uses it: endpoint states, the balancing policy and the transport to reach them.</summary>
internal sealed class BackendRuntime(BackendPool model, EndpointState[] endpoints, ILoadBalancingPolicy policy, UpstreamTransport transport)
{
    public string Id => model.Id;

    public BackendPool Model => model;

    public EndpointState[] Endpoints => endpoints;

    public UpstreamTransport Transport => transport;

    /// <summary>
    /// An available endpoint other than <paramref name="exclude"/>; when every endpoint is out,
    /// all are tried again (a pool that is entirely "down" by passive health may have recovered).
    /// Null only when the pool has no endpoint at all.
    /// </summary>
    public EndpointState? Pick(long nowTicks, EndpointState? exclude = null)
    {
        if (endpoints.Length == 0)
        {
            return null;
        }

        var available = 0;
        foreach (var e in endpoints)
        {
            if (e != exclude && e.IsAvailable(nowTicks))
            {
                available++;
            }
        }

        if (available == endpoints.Length)
        {
            return policy.Pick(endpoints);
        }

        if (available == 0)
        {
            return exclude is null || endpoints.Length == 1 ? policy.Pick(endpoints) : endpoints.First(e => e != exclude);
        }

        var candidates = new EndpointState[available];
        var i = 0;
        foreach (var e in endpoints)
        {
            if (e != exclude && e.IsAvailable(nowTicks))
            {
                candidates[i++] = e;
            }
        }

        return policy.Pick(candidates);
    }
}
