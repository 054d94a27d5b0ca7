using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Build;

/// <summary>Lookup maps over a snapshot, built once per build. Duplicate objects keep the first and are reported.</summary>
internal sealed class SnapshotIndex
{
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Secret> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<EndpointSlice>> _slicesByService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IngressClass> _classes = new(StringComparer.Ordinal);

    public SnapshotIndex(ClusterSnapshot snapshot, DiagnosticBag diagnostics)
    {
        foreach (var service in snapshot.Services)
        {
            Add(_services, service, diagnostics);
        }

        foreach (var secret in snapshot.Secrets)
        {
            Add(_secrets, secret, diagnostics);
        }

        foreach (var ingressClass in snapshot.IngressClasses)
        {
            Add(_classes, ingressClass, diagnostics);
        }

        foreach (var slice in snapshot.EndpointSlices)
        {
            if (slice.Metadata.Labels?.GetValueOrDefault(EndpointSlice.ServiceNameLabel) is not { } service)
            {
                continue;
            }

            var key = Key(slice.Metadata.Namespace, service);
            if (!_slicesByService.TryGetValue(key, out var list))
            {
                _slicesByService[key] = list = [];
            }

            list.Add(slice);
        }

        foreach (var list in _slicesByService.Values)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        }
    }

    public IReadOnlyCollection<IngressClass> IngressClasses => _classes.Values;

    public static string Key(string? ns, string? name) => $"{ns ?? ObjectRefs.DefaultNamespace}/{name}";

    public Service? FindService(string ns, string name) => _services.GetValueOrDefault(Key(ns, name));

    public Secret? FindSecret(string ns, string name) => _secrets.GetValueOrDefault(Key(ns, name));

    public IngressClass? FindClass(string name) => _classes.GetValueOrDefault(name);

    public IReadOnlyList<EndpointSlice> SlicesFor(string ns, string service) =>
        _slicesByService.GetValueOrDefault(Key(ns, service)) ?? (IReadOnlyList<EndpointSlice>)[];

    private static void Add<T>(Dictionary<string, T> map, T item, DiagnosticBag diagnostics)
        where T : IKubernetesObject
    {
        var key = item is IngressClass ? item.Metadata.Name ?? string.Empty : Key(item.Metadata.Namespace, item.Metadata.Name);
        if (!map.TryAdd(key, item))
        {
            diagnostics.Error(DiagnosticCodes.DuplicateObject, ObjectRefs.For(item), null,
                "appears more than once; the first one is used");
        }
    }
}
