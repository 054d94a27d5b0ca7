using System.Collections.Concurrent;

namespace CloudIngress.Proxy.Backends;

/// <summary>Endpoint states by pool and address, kept across route-table swaps; pruned to what the current table uses.</summary>
internal sealed class EndpointRegistry
{
    private readonly ConcurrentDictionary<(string Pool, string Address, int Port), EndpointState> _states = new();

    public EndpointState Get(string pool, string address, int port) =>
        _states.GetOrAdd((pool, address, port), key => new EndpointState(key.Address, key.Port));

    public void Retain(IEnumerable<(string Pool, string Address, int Port)> keep)
    {
        var set = keep.ToHashSet();
        foreach (var key in _states.Keys.Where(k => !set.Contains(k)))
        {
            if (_states.TryRemove(key, out var gone))
            {
                gone.Dispose();
            }
        }
    }
}
