using System.Globalization;
using System.Text;

namespace CloudIngress.Controller.Cluster;

/// <summary>The controller's Prometheus series, appended to the proxy's <c>/metrics</c>.</summary>
internal sealed class ControllerMetrics
{
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

    public string Render(int queueDepth, long watchRestarts, bool leader, long events)
    {
        var text = new StringBuilder();
        void Line(string format, params object[] args) => text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, args));
        Line("# HELP cloudingress_reconcile_total Rebuilds of the model from the cluster, by result.");
        Line("# TYPE cloudingress_reconcile_total counter");
        Line("cloudingress_reconcile_total{{result=\"success\"}} {0}", Interlocked.Read(ref _reconciles));
        Line("cloudingress_reconcile_total{{result=\"error\"}} {0}", Interlocked.Read(ref _reconcileFailures));
        Line("# HELP cloudingress_reconcile_duration_seconds Time spent rebuilding and applying.");
        Line("# TYPE cloudingress_reconcile_duration_seconds summary");
        Line("cloudingress_reconcile_duration_seconds_sum {0}", Interlocked.Read(ref _reconcileMicros) / 1e6);
        Line("cloudingress_reconcile_duration_seconds_count {0}", Interlocked.Read(ref _reconciles) + Interlocked.Read(ref _reconcileFailures));
        Line("# HELP cloudingress_workqueue_depth Status writes waiting, retries included.");
        Line("# TYPE cloudingress_workqueue_depth gauge");
        Line("cloudingress_workqueue_depth {0}", queueDepth);
        Line("# HELP cloudingress_status_writes_total Status updates sent to the API server, by result.");
        Line("# TYPE cloudingress_status_writes_total counter");
        Line("cloudingress_status_writes_total{{result=\"success\"}} {0}", Interlocked.Read(ref _statusWrites));
        Line("cloudingress_status_writes_total{{result=\"error\"}} {0}", Interlocked.Read(ref _statusFailures));
        Line("# HELP cloudingress_watch_restarts_total Watches that ended and were resumed or re-listed.");
        Line("# TYPE cloudingress_watch_restarts_total counter");
        Line("cloudingress_watch_restarts_total {0}", watchRestarts);
        Line("# HELP cloudingress_events_total Kubernetes Events recorded or bumped.");
        Line("# TYPE cloudingress_events_total counter");
        Line("cloudingress_events_total {0}", events);
        Line("# HELP cloudingress_leader 1 while this replica holds the leader Lease.");
        Line("# TYPE cloudingress_leader gauge");
        Line("cloudingress_leader {0}", leader ? 1 : 0);
        return text.ToString();
    }
}
