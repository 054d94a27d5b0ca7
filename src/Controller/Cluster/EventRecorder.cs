using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Client;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Controller.Cluster;

/// <summary>
/// Turns diagnostics into Kubernetes Events on the objects they are about. A diagnostic that
/// persists across rebuilds is one Event, its count bumped at most every
/// <see cref="RepeatInterval"/>; one that goes away and comes back is a new Event. Event names
/// derive from the object and the finding, so a restarted leader bumps the existing Event rather
/// than adding a duplicate. Timestamps and the repeat interval follow <paramref name="time"/>.
/// </summary>
internal sealed partial class EventRecorder(IKubernetes client, string component, string instance, ILogger logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, (Corev1Event Event, DateTimeOffset Sent)> _sent = new(StringComparer.Ordinal);

    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromMinutes(10);

    public long Emitted { get; private set; }

    public async Task RecordAsync(IReadOnlyList<Diagnostic> diagnostics, ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in diagnostics.Where(d => d.Object.Kind is "Ingress" or "Service" or "IngressClass" or "Secret"))
        {
            var name = EventName(d);
            current.Add(name);
            var known = _sent.GetValueOrDefault(name);
            if (known.Event is not null && now - known.Sent < RepeatInterval)
            {
                continue;
            }

            try
            {
                var sent = known.Event is null ? await CreateOrBumpAsync(name, d, snapshot, now, cancellationToken) : await BumpAsync(known.Event, now, cancellationToken);
                _sent[name] = (sent, now);
                Emitted++;
            }
            catch (Exception e) when (ApiErrors.IsApiFailure(e))
            {
                LogEventFailed(logger, d.Object.ToString(), d.Code, ApiErrors.Describe(e));
            }
        }

        foreach (var gone in _sent.Keys.Where(k => !current.Contains(k)).ToList())
        {
            _sent.Remove(gone);
        }
    }

    private async Task<Corev1Event> CreateOrBumpAsync(string name, Diagnostic d, ClusterSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ns = d.Object.Namespace ?? ObjectRefs.DefaultNamespace;
        try
        {
            return await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = d.Object.Kind is "Ingress" or "IngressClass" ? "networking.k8s.io/v1" : "v1",
                    Kind = d.Object.Kind,
                    NamespaceProperty = d.Object.Namespace,
                    Name = d.Object.Name,
                    Uid = Uid(d.Object, snapshot),
                },
                Reason = d.Code,
                Message = Truncate($"{(d.Field is null ? string.Empty : d.Field + ": ")}{d.Message}"),
                Type = d.Severity == DiagnosticSeverity.Info ? "Normal" : "Warning",
                Source = new V1EventSource { Component = component },
                FirstTimestamp = Seconds(now),
                LastTimestamp = Seconds(now),
                Count = 1,
                ReportingComponent = component,
                ReportingInstance = instance,
            }, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsConflict(e))
        {
            return await BumpAsync(await client.CoreV1.ReadNamespacedEventAsync(name, ns, cancellationToken: cancellationToken), now, cancellationToken);
        }
    }

    private Task<Corev1Event> BumpAsync(Corev1Event known, DateTimeOffset now, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNamespacedEventAsync(
            new V1Patch(new System.Text.Json.Nodes.JsonObject { ["count"] = (known.Count ?? 1) + 1, ["lastTimestamp"] = Seconds(now).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }.ToJsonString(), V1Patch.PatchType.MergePatch),
            known.Metadata.Name, known.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <summary>Event timestamps are Time, whole seconds.</summary>
    private static DateTime Seconds(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    /// <summary><c>&lt;object&gt;.&lt;hash of the finding&gt;</c>: stable across restarts, unique per finding.</summary>
    private static string EventName(Diagnostic d)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{d.Object}|{d.Code}|{d.Field}|{d.Message}"));
        var prefix = d.Object.Name.Length > 200 ? d.Object.Name[..200] : d.Object.Name;
        return $"{prefix}.{Convert.ToHexStringLower(hash)[..16]}";
    }

    private static string? Uid(ObjectRef o, ClusterSnapshot snapshot)
    {
        IEnumerable<Core.Resources.IKubernetesObject> all = o.Kind switch
        {
            "Ingress" => snapshot.Ingresses,
            "Service" => snapshot.Services,
            "IngressClass" => snapshot.IngressClasses,
            _ => snapshot.Secrets,
        };
        return all.FirstOrDefault(x => ObjectRefs.For(x) == o)?.Metadata.Uid;
    }

    private static string Truncate(string message) => message.Length <= 1024 ? message : message[..1021] + "...";

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not record an Event on {Object} ({Reason}): {Message}")]
    private static partial void LogEventFailed(ILogger logger, string @object, string reason, string message);
}
