using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Model;

/// <summary>Path matching kinds; <c>ImplementationSpecific</c> is read as Prefix (docs/model.md).</summary>
public enum PathMatchKind
{
    Exact,
    Prefix,
}

public sealed record Route
{
    /// <summary><c>namespace/ingress:rule:path</c>, stable across reordering of other objects.</summary>
    public required string Id { get; init; }

    public PathMatchKind PathType { get; init; }

    /// <summary>Prefix paths are normalized: no trailing slash except for <c>/</c> itself.</summary>
    public required string Path { get; init; }

    public required ObjectRef Source { get; init; }

    public required RouteAction Action { get; init; }

    public RoutePolicy? Policy { get; init; }
}

/// <summary>Edge policy applied before the action; all null means none.</summary>
public sealed record RoutePolicy
{
    /// <summary>Null admits every source, empty admits none.</summary>
    public IReadOnlyList<string>? SourceRanges { get; init; }

    public BasicAuthPolicy? BasicAuth { get; init; }

    public string? RewriteTarget { get; init; }

    public TimeSpan? RequestTimeout { get; init; }

    public long? MaxRequestBodyBytes { get; init; }
}

/// <summary>Basic authentication; with no credentials (secret missing or invalid) it admits nobody.</summary>
public sealed record BasicAuthPolicy
{
    public required string Realm { get; init; }

    public ObjectRef? Secret { get; init; }

    public int Users => Credentials.Count;

    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<HtpasswdEntry> Credentials { get; init; } = [];
}

/// <summary>One htpasswd line: the user and its hash (bcrypt, {SHA} or $apr1$).</summary>
public sealed record HtpasswdEntry(string User, SensitiveText Hash);
