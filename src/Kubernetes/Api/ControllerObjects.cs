using CloudIngress.Core.Resources;
using System.Globalization;
using System.Text.Json.Serialization;

namespace CloudIngress.Kubernetes.Api;

/// <summary><c>coordination.k8s.io/v1</c> Lease: the leader-election lock.</summary>
public sealed record Lease : IKubernetesObject
{
    public string ApiVersion { get; init; } = "coordination.k8s.io/v1";

    public string Kind { get; init; } = "Lease";

    public required ObjectMeta Metadata { get; init; }

    public LeaseSpec? Spec { get; init; }
}

public sealed record LeaseSpec
{
    public string? HolderIdentity { get; init; }

    public int? LeaseDurationSeconds { get; init; }

    /// <summary>MicroTime: RFC 3339 with exactly six fractional digits (see <see cref="KubernetesTime"/>).</summary>
    public string? AcquireTime { get; init; }

    public string? RenewTime { get; init; }

    public int? LeaseTransitions { get; init; }
}

/// <summary>Core <c>v1</c> Event: a diagnostic attached to the object it is about.</summary>
public sealed record KubernetesEvent : IKubernetesObject
{
    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Event";

    public required ObjectMeta Metadata { get; init; }

    public required ObjectReference InvolvedObject { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary><c>Normal</c> or <c>Warning</c>.</summary>
    public string? Type { get; init; }

    public EventSource? Source { get; init; }

    public string? FirstTimestamp { get; init; }

    public string? LastTimestamp { get; init; }

    public int Count { get; init; } = 1;

    public string? ReportingComponent { get; init; }

    public string? ReportingInstance { get; init; }
}

public sealed record EventSource
{
    public string? Component { get; init; }

    public string? Host { get; init; }
}

/// <summary>The API's two timestamp formats: Time (seconds) and MicroTime (microseconds), both UTC with <c>Z</c>.</summary>
public static class KubernetesTime
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string MicroTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Parse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(KubernetesEvent))]
internal sealed partial class ControllerJsonContext : JsonSerializerContext;
