using CloudIngress.Core.Providers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace CloudIngress.Controller.Cluster;

/// <summary>The controller's Prometheus series, appended to the proxy's <c>/metrics</c>.</summary>
internal sealed class ControllerMetrics
{
    // The latest cumulative calls of each provider (ProviderApplyResult.Calls counts over the provider's life).
    private readonly ConcurrentDictionary<string, IReadOnlyList<ApiCall>> _cloudCalls = new(StringComparer.Ordinal);
    private long _reconciles;
    private long _reconcileFailures;
    private long _reconcileMicros;
    private long _statusWrites;
    private long _statusFailures;

    public void Reconciled(TimeSpan took, bool success)
    {
        Interlocked.Increment(ref success ? ref _reconciles : ref _reconcileFailures);
        Interlocked.Add(ref _reconcileMicros, (long)took.TotalMicroseconds);
    }

    public void StatusWritten(bool success) => Interlocked.Increment(ref success ? ref _statusWrites : ref _statusFailures);

    /// <summary>A provider's API calls so far, as its last apply (or failure) reported them.</summary>
    public void CloudCalls(string provider, IReadOnlyList<ApiCall> calls)
    {
        if (calls.Count > 0)
        {
            _cloudCalls[provider] = calls;
        }
    }

    /// <summary>Manifests mode: the reconcile and cloud API series; the cluster-only ones have no meaning there.</summary>
    public string RenderManifests()
    {
        var text = new StringBuilder();
        Reconciles(text);
        Cloud(text);
        return text.ToString();
    }

    public string Render(int queueDepth, long watchRestarts, bool leader, long events)
    {
        var text = new StringBuilder();
        Reconciles(text);
        Series(text, "cloudingress_workqueue_depth", "gauge", "Status writes waiting, retries included.", (string.Empty, queueDepth));
        Series(text, "cloudingress_status_writes_total", "counter", "Status updates sent to the API server, by result.",
            ("{result=\"success\"}", Interlocked.Read(ref _statusWrites)), ("{result=\"error\"}", Interlocked.Read(ref _statusFailures)));
        Series(text, "cloudingress_watch_restarts_total", "counter", "Watches that ended and were resumed or re-listed.", (string.Empty, watchRestarts));
        Series(text, "cloudingress_events_total", "counter", "Kubernetes Events recorded or bumped.", (string.Empty, events));
        Series(text, "cloudingress_leader", "gauge", "1 while this replica holds the leader Lease.", (string.Empty, leader ? 1 : 0));
        Cloud(text);
        return text.ToString();
    }

    private void Reconciles(StringBuilder text)
    {
        Series(text, "cloudingress_reconcile_total", "counter", "Rebuilds of the model from the cluster, by result.",
            ("{result=\"success\"}", Interlocked.Read(ref _reconciles)), ("{result=\"error\"}", Interlocked.Read(ref _reconcileFailures)));
        Series(text, "cloudingress_reconcile_duration_seconds", "summary", "Time spent rebuilding and applying.",
            ("_sum", Interlocked.Read(ref _reconcileMicros) / 1e6), ("_count", Interlocked.Read(ref _reconciles) + Interlocked.Read(ref _reconcileFailures)));
    }

    /// <summary>One series: its HELP and TYPE lines, then a line per sample (a suffix such as <c>_sum</c>, or labels, and the value).</summary>
    private static void Series(StringBuilder text, string name, string type, string help, params (string Suffix, double Value)[] samples)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var (suffix, value) in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{suffix} {value}\n");
        }
    }

    private void Cloud(StringBuilder text)
    {
        Series(text, "cloudingress_cloud_api_calls_total", "counter", "Calls made to a cloud API by the provider, every attempt counted, by operation and whether it changes something.",
            [.. _cloudCalls.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value.OrderBy(c => c.Operation, StringComparer.Ordinal).Select(c =>
                ($"{{provider=\"{Label(p.Key)}\",operation=\"{Label(c.Operation)}\",mutating=\"{(c.Mutating ? "true" : "false")}\"}}", (double)c.Count)))]);
    }

    private static string Label(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
