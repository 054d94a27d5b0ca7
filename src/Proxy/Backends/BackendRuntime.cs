using CloudIngress.Core.Model;
using CloudIngress.Proxy.Forwarding;

namespace CloudIngress.Proxy.Backends;

/// <summary>
/// A pool as the proxy uses it: endpoint states, the balancing policy and the transport to reach
/// them. Compiling makes it with keys only; the swap binds the live endpoint states and transport
/// (created or reused) before the table is published, so requests only ever see it bound.
/// </summary>
internal sealed class BackendRuntime(BackendPool model, ILoadBalancingPolicy policy, TransportKey transportKey)
{
    private EndpointState[] _endpoints = [];
    private UpstreamTransport? _transport;

    public string Id => model.Id;

    public BackendPool Model => model;

    public TransportKey TransportKey => transportKey;

    public EndpointState[] Endpoints => _endpoints;

    public UpstreamTransport Transport => _transport ?? throw new InvalidOperationException($"pool {model.Id} is not bound to a transport");

    public bool IsBound => _transport is not null;

    /// <summary>Once, by the swap, before the table is published.</summary>
    public void Bind(EndpointState[] endpoints, UpstreamTransport transport)
    {
        _endpoints = endpoints;
        _transport = transport;
    }

    /// <summary>
    /// An available endpoint other than <paramref name="exclude"/>; when every endpoint is out,
    /// all are tried again (a pool that is entirely "down" by passive health may have recovered).
    /// Null only when the pool has no endpoint at all.
    /// </summary>
    public EndpointState? Pick(long nowTicks, EndpointState? exclude = null)
    {
        var endpoints = _endpoints;
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
            return exclude is null || endpoints.Length == 1 ? policy.Pick(endpoints) : FirstOther(endpoints, exclude);
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

    // A loop, not a lambda: a lambda capturing the parameter allocates its closure on every call of Pick.
    private static EndpointState FirstOther(EndpointState[] endpoints, EndpointState exclude)
    {
        foreach (var e in endpoints)
        {
            if (e != exclude)
            {
                return e;
            }
        }

        return endpoints[0];
    }
}
