using CloudIngress.Providers.Azure.Resources;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>
/// One child collection of a resource, kept sorted by name, with a limit and a mark to roll back
/// to: a host that does not fit within the gateway's limits is taken out whole.
/// </summary>
internal sealed class ChildSet<T>(int limit)
{
    private readonly SortedDictionary<string, Child<T>> _items = new(StringComparer.Ordinal);
    private readonly List<string> _added = [];

    public int Count => _items.Count;

    public bool OverLimit => _items.Count > limit;

    public bool Contains(string name) => _items.ContainsKey(name);

    /// <summary>Adds <paramref name="name"/> unless present (children are shared by name); returns the name.</summary>
    public string Add(string name, Func<T> properties)
    {
        if (_items.TryAdd(name, new Child<T>(name, properties())))
        {
            _added.Add(name);
        }

        return name;
    }

    public void Mark() => _added.Clear();

    public void Rollback()
    {
        foreach (var name in _added)
        {
            _items.Remove(name);
        }

        _added.Clear();
    }

    public IReadOnlyList<Child<T>> Items => [.. _items.Values];
}
