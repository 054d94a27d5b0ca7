namespace CloudIngress.Proxy.Routing;

/// <summary>
/// A resource held by route tables and by the connections that picked it out of one. The last
/// holder to let go disposes it, so nothing is released while a request, stream or handshake can
/// still reach it, and nothing outlives its last user by a timer.
/// </summary>
internal sealed class Shared<T>(T value, Action<Shared<T>> released)
{
    private readonly Holders _holders = new();

    public T Value => value;

    /// <summary>False once the last holder has let go: the caller must not use the value.</summary>
    public bool TryRetain() => _holders.TryRetain();

    public void Release()
    {
        if (_holders.Release())
        {
            released(this);
        }
    }

    /// <summary>A resource nobody releases (the fallback certificate lives as long as the server).</summary>
    public static Shared<T> Forever(T value) => new(value, _ => { });
}

/// <summary>
/// Shared resources by key: a swap reuses what the previous table already had (pooled connections,
/// endpoint health, loaded certificates) and creates only what is new.
/// </summary>
internal sealed class SharedResources<TKey, TValue>(Func<TKey, TValue> create, Action<TValue> dispose) : IDisposable
    where TKey : notnull
{
    private readonly Dictionary<TKey, Shared<TValue>> _live = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>The live resource for the key with one more holder, or a new one.</summary>
    public Shared<TValue> Acquire(TKey key)
    {
        lock (_lock)
        {
            if (_live.TryGetValue(key, out var existing) && existing.TryRetain())
            {
                return existing;
            }

            var created = new Shared<TValue>(create(key), gone => Released(key, gone));
            _live[key] = created;
            return created;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var shared in _live.Values)
            {
                dispose(shared.Value);
            }

            _live.Clear();
        }
    }

    private void Released(TKey key, Shared<TValue> gone)
    {
        lock (_lock)
        {
            // A newer resource may already stand under the key (this one hit zero before its replacement came).
            if (_live.TryGetValue(key, out var current) && ReferenceEquals(current, gone))
            {
                _live.Remove(key);
            }
        }

        dispose(gone.Value);
    }
}
