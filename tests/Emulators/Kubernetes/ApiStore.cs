using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>A change as watches report it.</summary>
public sealed record WatchEvent(long ResourceVersion, ApiResource Resource, string Type, JsonObject Object);

/// <summary>
/// The emulated API server's storage, strict where the real one is: one monotonic resourceVersion
/// for everything, 409 on a stale update, finalizers that turn a delete into a deletionTimestamp,
/// a status subresource that is the only way to change status, namespaces that must exist, and a
/// bounded event history so that a watch from too old a version gets 410 Gone.
/// </summary>
public sealed class ApiStore(int historyLimit = 1000)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Plural, string Namespace, string Name), JsonObject> _objects = [];
    private readonly List<WatchEvent> _history = [];
    private readonly List<(ApiResource Resource, string? Namespace, Channel<WatchEvent> Channel)> _watchers = [];
    private long _resourceVersion = 1;
    private long _oldestRetained = 1;

    public long ResourceVersion { get { lock (_lock) { return _resourceVersion; } } }

    /// <summary>Watch streams open now: a test waits for its watch to be registered before changing things.</summary>
    public int OpenWatches { get { lock (_lock) { return _watchers.Count; } } }

    public void EnsureNamespace(string name)
    {
        lock (_lock)
        {
            var ns = ApiResource.All.Single(r => r.Plural == "namespaces");
            if (!_objects.ContainsKey(("namespaces", string.Empty, name)))
            {
                Commit(ns, string.Empty, name, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } }, "ADDED");
            }
        }
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ApiResource resource, string? ns, Func<JsonObject, bool> selector)
    {
        var (page, total, version) = ListPage(resource, ns, selector, 0, int.MaxValue);
        return (page, version);
    }

    /// <summary>One page of a list in name order, and how many items the whole list has; only the page is copied.</summary>
    public (List<JsonObject> Page, int Total, long ResourceVersion) ListPage(ApiResource resource, string? ns, Func<JsonObject, bool> selector, int skip, int take)
    {
        lock (_lock)
        {
            var matching = _objects
                .Where(o => o.Key.Plural == resource.Plural && (ns is null || o.Key.Namespace == ns) && selector(o.Value))
                .OrderBy(o => o.Key.Namespace, StringComparer.Ordinal).ThenBy(o => o.Key.Name, StringComparer.Ordinal)
                .ToList();
            return ([.. matching.Skip(skip).Take(take).Select(o => (JsonObject)o.Value.DeepClone())], matching.Count, _resourceVersion);
        }
    }

    public JsonObject Get(ApiResource resource, string ns, string name)
    {
        lock (_lock)
        {
            return _objects.TryGetValue((resource.Plural, ns, name), out var found)
                ? (JsonObject)found.DeepClone()
                : throw ApiError.NotFound(resource, name);
        }
    }

    public JsonObject Create(ApiResource resource, string ns, JsonObject body)
    {
        lock (_lock)
        {
            var metadata = body["metadata"] as JsonObject ?? throw ApiError.Invalid("metadata is required");
            var name = (string?)metadata["name"];
            if (string.IsNullOrEmpty(name) && (string?)metadata["generateName"] is { Length: > 0 } prefix)
            {
                name = prefix + Guid.NewGuid().ToString("N")[..5];
                metadata["name"] = name;
            }

            if (string.IsNullOrEmpty(name))
            {
                throw ApiError.Invalid($"{resource.Kind}.{resource.Group} \"\" is invalid: metadata.name: Required value");
            }

            CheckNamespace(resource, ns, metadata);
            if (_objects.ContainsKey((resource.Plural, ns, name)))
            {
                throw ApiError.AlreadyExists(resource, name);
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            metadata["generation"] = 1;
            metadata.Remove("deletionTimestamp");
            body["apiVersion"] = resource.ApiVersion;
            body["kind"] = resource.Kind;
            if (resource.HasStatus)
            {
                body.Remove("status"); // status is set through the status subresource only
            }

            return Commit(resource, ns, name, body, "ADDED");
        }
    }

    /// <summary>PUT on the object (status kept) or on /status (only status taken). 409 when the resourceVersion is stale.</summary>
    public JsonObject Update(ApiResource resource, string ns, string name, JsonObject body, bool status)
    {
        lock (_lock)
        {
            var current = _objects.GetValueOrDefault((resource.Plural, ns, name)) ?? throw ApiError.NotFound(resource, name);
            var sentVersion = (string?)body["metadata"]?["resourceVersion"];
            if (sentVersion is not null && sentVersion != (string?)current["metadata"]!["resourceVersion"])
            {
                throw ApiError.Conflict(resource, name);
            }

            var next = (JsonObject)current.DeepClone();
            if (status)
            {
                next["status"] = body["status"]?.DeepClone();
            }
            else
            {
                var keep = (JsonObject)current["metadata"]!;
                var metadata = body["metadata"] as JsonObject ?? throw ApiError.Invalid("metadata is required");
                next = (JsonObject)body.DeepClone();
                next["metadata"] = metadata.DeepClone();
                foreach (var immutable in new[] { "uid", "creationTimestamp", "deletionTimestamp", "generation", "name", "namespace" })
                {
                    next["metadata"]![immutable] = keep[immutable]?.DeepClone();
                }

                if (resource.HasStatus)
                {
                    next["status"] = current["status"]?.DeepClone();
                }

                if (!JsonNode.DeepEquals(current["spec"], next["spec"]))
                {
                    next["metadata"]!["generation"] = long.Parse(keep["generation"]!.ToJsonString(), CultureInfo.InvariantCulture) + 1;
                }
            }

            next["apiVersion"] = resource.ApiVersion;
            next["kind"] = resource.Kind;
            if (next["metadata"]!["deletionTimestamp"] is not null && (next["metadata"]!["finalizers"] as JsonArray is null or { Count: 0 }))
            {
                return Remove(resource, ns, name, next);
            }

            return Commit(resource, ns, name, next, "MODIFIED");
        }
    }

    /// <summary>JSON merge patch (RFC 7386), or the strategic merge patch kubectl sends for built-in types.</summary>
    public JsonObject Patch(ApiResource resource, string ns, string name, JsonObject patch, bool status, bool strategic = false)
    {
        lock (_lock)
        {
            var current = _objects.GetValueOrDefault((resource.Plural, ns, name)) ?? throw ApiError.NotFound(resource, name);
            var merged = (JsonObject)(strategic ? StrategicMergePatch.Apply(current.DeepClone(), patch) : MergePatch(current.DeepClone(), patch))!;
            if ((string?)patch["metadata"]?["resourceVersion"] is null)
            {
                merged["metadata"]!["resourceVersion"] = current["metadata"]!["resourceVersion"]?.DeepClone();
            }

            return Update(resource, ns, name, merged, status);
        }
    }

    /// <summary>With finalizers the object only gets a deletionTimestamp; it goes when the last finalizer is removed.</summary>
    public JsonObject Delete(ApiResource resource, string ns, string name)
    {
        lock (_lock)
        {
            var current = _objects.GetValueOrDefault((resource.Plural, ns, name)) ?? throw ApiError.NotFound(resource, name);
            if (current["metadata"]!["finalizers"] is JsonArray { Count: > 0 })
            {
                if (current["metadata"]!["deletionTimestamp"] is not null)
                {
                    return (JsonObject)current.DeepClone();
                }

                var next = (JsonObject)current.DeepClone();
                next["metadata"]!["deletionTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                return Commit(resource, ns, name, next, "MODIFIED");
            }

            return Remove(resource, ns, name, (JsonObject)current.DeepClone());
        }
    }

    /// <summary>
    /// Events after <paramref name="fromVersion"/> then live ones; 410 Gone when that version is older
    /// than the retained history. Without a version, the current objects come first as ADDED.
    /// </summary>
    public (List<WatchEvent> Backlog, ChannelReader<WatchEvent> Live, Action Stop) Watch(ApiResource resource, string? ns, long? fromVersion)
    {
        lock (_lock)
        {
            List<WatchEvent> backlog;
            if (fromVersion is null or 0)
            {
                backlog = _objects.Where(o => o.Key.Plural == resource.Plural && (ns is null || o.Key.Namespace == ns))
                    .Select(o => new WatchEvent(long.Parse((string)o.Value["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture), resource, "ADDED", (JsonObject)o.Value.DeepClone()))
                    .OrderBy(e => e.ResourceVersion).ToList();
            }
            else if (fromVersion < _oldestRetained - 1)
            {
                throw ApiError.Gone(fromVersion.Value);
            }
            else
            {
                backlog = _history.Where(e => e.ResourceVersion > fromVersion && e.Resource == resource && (ns is null || Namespace(e.Object) == ns)).ToList();
            }

            var channel = Channel.CreateUnbounded<WatchEvent>();
            var watcher = (resource, ns, channel);
            _watchers.Add(watcher);
            return (backlog, channel.Reader, () => { lock (_lock) { _watchers.Remove(watcher); } channel.Writer.TryComplete(); });
        }
    }

    /// <summary>Fault injection: ends every open watch stream, as an API server restart or a proxy timeout would.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Channel.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    /// <summary>Forgets history up to now, so watches from any earlier version get 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (_lock)
        {
            _history.Clear();
            _oldestRetained = _resourceVersion + 1;
        }
    }

    internal static string Namespace(JsonObject obj) => (string?)obj["metadata"]?["namespace"] ?? string.Empty;

    private void CheckNamespace(ApiResource resource, string ns, JsonObject metadata)
    {
        if (!resource.Namespaced)
        {
            metadata.Remove("namespace");
            return;
        }

        if ((string?)metadata["namespace"] is { } declared && declared != ns)
        {
            throw ApiError.BadRequest($"the namespace of the provided object ({declared}) does not match the namespace sent on the request ({ns})");
        }

        metadata["namespace"] = ns;
        if (!_objects.ContainsKey(("namespaces", string.Empty, ns)))
        {
            throw new ApiError(404, "NotFound", $"namespaces \"{ns}\" not found");
        }
    }

    private JsonObject Commit(ApiResource resource, string ns, string name, JsonObject obj, string type)
    {
        obj["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        _objects[(resource.Plural, ns, name)] = obj;
        Publish(new WatchEvent(_resourceVersion, resource, type, (JsonObject)obj.DeepClone()));
        return (JsonObject)obj.DeepClone();
    }

    private JsonObject Remove(ApiResource resource, string ns, string name, JsonObject last)
    {
        _objects.Remove((resource.Plural, ns, name));
        last["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Publish(new WatchEvent(_resourceVersion, resource, "DELETED", (JsonObject)last.DeepClone()));
        return last;
    }

    private void Publish(WatchEvent change)
    {
        _history.Add(change);
        if (_history.Count > historyLimit)
        {
            _history.RemoveAt(0);
            _oldestRetained = _history[0].ResourceVersion;
        }

        // A watch sees only its own kind (and namespace, when it named one).
        foreach (var watcher in _watchers.Where(w => w.Resource == change.Resource && (w.Namespace is null || w.Namespace == Namespace(change.Object))))
        {
            watcher.Channel.Writer.TryWrite(change);
        }
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key]?.DeepClone(), value);
            }
        }

        return result;
    }
}
