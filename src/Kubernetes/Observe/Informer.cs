using CloudIngress.Core.Resources;
using WatchEventType = k8s.WatchEventType;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// Keeps a local copy of one kind: list, then watch from the list's version; when a watch ends it
/// resumes from the last version seen (bookmarks included), a 410 Gone re-lists, and errors back
/// off with jitter. After a re-list, objects that disappeared meanwhile are reported deleted, so no
/// update is ever missed. <paramref name="store"/> may keep a reduced copy of an object; the
/// backoff waits on <paramref name="time"/>.
/// </summary>
public sealed partial class Informer<T>(IResourceFeed<T> feed, ILogger logger, Func<T, T>? store = null, TimeProvider? time = null)
    where T : class, IKubernetesObject
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _restarts;

    /// <summary>Called for every change after the first list, on the informer's loop.</summary>
    public event Action<WatchEventType, T>? Changed;

    public bool Synced { get; private set; }

    /// <summary>Completes when the first list is in.</summary>
    public Task WhenSynced => _synced.Task;

    public long WatchRestarts => Interlocked.Read(ref _restarts);

    public IReadOnlyCollection<T> Items => (IReadOnlyCollection<T>)_items.Values;

    public T? Find(string? itemNamespace, string name) => _items.GetValueOrDefault(Key(itemNamespace, name));

    /// <summary>Replaces one cached object (a Secret fetched on demand once it became referenced).</summary>
    public void Put(T item) => _items[Key(item.Metadata.Namespace, item.Metadata.Name)] = item;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? version = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    version = await RelistAsync(cancellationToken);
                    failures = 0;
                }

                await foreach (var change in feed.WatchAsync(version, cancellationToken))
                {
                    version = change.ResourceVersion.Length > 0 ? change.ResourceVersion : version;
                    if (change.Type != WatchEventType.Bookmark && change.Object is { } obj)
                    {
                        Apply(change.Type, obj);
                    }

                    failures = 0;
                }

                Interlocked.Increment(ref _restarts); // the server ended the stream: resume from where it was
            }
            catch (ResourceExpiredException)
            {
                Interlocked.Increment(ref _restarts);
                LogExpired(logger, feed.Plural);
                version = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _restarts);
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, failures++)) * (0.5 + Random.Shared.NextDouble()));
                LogRetry(logger, feed.Plural, e.GetType().Name, Client.ApiErrors.Describe(e), delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? version = null;
        string? next = null;
        do
        {
            // Page by page, so that only one page of the package's models is alive at a time.
            var page = await feed.ListAsync(next, cancellationToken);
            version ??= page.ResourceVersion;
            next = page.Continue;
            Merge(page.Items, seen);
        }
        while (next is not null);

        foreach (var gone in _items.Where(i => !seen.Contains(i.Key)).ToList())
        {
            Apply(WatchEventType.Deleted, gone.Value);
        }

        Synced = true;
        _synced.TrySetResult();
        return version;
    }

    private void Merge(IReadOnlyList<T> items, HashSet<string> seen)
    {
        foreach (var item in items)
        {
            var key = Key(item.Metadata.Namespace, item.Metadata.Name);
            seen.Add(key);
            var known = _items.GetValueOrDefault(key);
            if (known is null || known.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Apply(known is null ? WatchEventType.Added : WatchEventType.Modified, item);
            }
        }
    }

    private void Apply(WatchEventType kind, T item)
    {
        var key = Key(item.Metadata.Namespace, item.Metadata.Name);
        if (kind == WatchEventType.Deleted)
        {
            _items.TryRemove(key, out _);
        }
        else
        {
            _items[key] = store is null ? item : store(item);
        }

        if (Synced)
        {
            Changed?.Invoke(kind, item);
        }
    }

    private static string Key(string? itemNamespace, string? name) => $"{itemNamespace}/{name}";

    [LoggerMessage(Level = LogLevel.Information, Message = "watch of {Resource} expired (410 Gone); listing again")]
    private static partial void LogExpired(ILogger logger, string resource);

    [LoggerMessage(Level = LogLevel.Warning, Message = "watch of {Resource} failed ({Error}: {Message}); retrying in {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string resource, string error, string message, double delayMs);
}
