using System.Collections.Concurrent;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// One shared instance of each short string the caches hold many times over (namespaces, path
/// types, protocols, label keys, the Services that Ingress paths name): a cluster of 9,000 objects
/// otherwise keeps hundreds of thousands of copies. Bounded, unlike <see cref="string.Intern"/>:
/// past <see cref="Capacity"/> entries or <see cref="MaxLength"/> characters a string is kept as
/// it is, so names churned through a long-lived controller cannot grow it without limit.
/// </summary>
public sealed class StringPool(int capacity = StringPool.Capacity)
{
    public const int Capacity = 16_384;

    public const int MaxLength = 64;

    public static StringPool Shared { get; } = new();

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public int Count => _strings.Count;

    /// <summary>The pooled instance equal to <paramref name="value"/>, or <paramref name="value"/> itself.</summary>
    public string? Get(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return value;
        }

        if (_strings.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        return _strings.Count < capacity ? _strings.GetOrAdd(value, value) : value;
    }
}
