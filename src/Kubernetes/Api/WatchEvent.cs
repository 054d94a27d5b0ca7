namespace CloudIngress.Kubernetes.Api;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>No object change: the stream's resourceVersion moved on (to resume from after a reconnect).</summary>
    Bookmark,
}

/// <summary>One event of a watch stream; for bookmarks only <see cref="ResourceVersion"/> is meaningful.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, string ResourceVersion)
    where T : class;

/// <summary>A complete list: every page's items and the list's resourceVersion to watch from.</summary>
public sealed record ListResult<T>(IReadOnlyList<T> Items, string ResourceVersion)
    where T : class;
