using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace CloudIngress.Proxy.Observability;

/// <summary>
/// Process-wide metrics. Route counters are kept by route and host across route-table swaps so
/// that they stay monotonic, as Prometheus expects.
/// </summary>
internal sealed class ProxyMetrics
{
    private readonly ConcurrentDictionary<(string Route, string Host), RouteMetrics> _routes = new();
    private readonly ConcurrentDictionary<(string Backend, string Reason), long> _upstreamErrors = new();
    private readonly ConcurrentDictionary<string, long> _passthrough = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Frontend, int Port), long> _l4 = new();
    private long _reloadSuccess;
    private long _reloadFailure;
    private long _lastReloadUnixSeconds;
    private long _connections;

    public RouteMetrics ForRoute(string route, string host) => _routes.GetOrAdd((route, host), k => new RouteMetrics(k.Route, k.Host));

    public void UpstreamError(string backend, string reason) => _upstreamErrors.AddOrUpdate((backend, reason), 1, (_, v) => v + 1);

    public void PassthroughConnection(string backend) => _passthrough.AddOrUpdate(backend, 1, (_, v) => v + 1);

    public void L4Connection(string frontend, int port) => _l4.AddOrUpdate((frontend, port), 1, (_, v) => v + 1);

    public void Reloaded(bool success, DateTimeOffset at)
    {
        Interlocked.Increment(ref success ? ref _reloadSuccess : ref _reloadFailure);
        if (success)
        {
            Volatile.Write(ref _lastReloadUnixSeconds, at.ToUnixTimeSeconds());
        }
    }

    public void ConnectionOpened() => Interlocked.Increment(ref _connections);

    public long OpenConnections => Volatile.Read(ref _connections);

    public void ConnectionClosed() => Interlocked.Decrement(ref _connections);

    /// <summary>The Prometheus text exposition of everything, plus endpoint health from the current table.</summary>
    public string Render(IEnumerable<(string Backend, int Healthy, int Unhealthy)> backends)
    {
        var sb = new StringBuilder();
        Header(sb, "cloudingress_requests_total", "counter", "Requests handled, by route, host and status class.");
        var routes = _routes.Values.OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Host, StringComparer.Ordinal).ToList();
        foreach (var r in routes)
        {
            for (var c = 0; c < 6; c++)
            {
                var count = r.Requests(c);
                if (count > 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"cloudingress_requests_total{{{Labels(r)},code=\"{(c == 0 ? "other" : c + "xx")}\"}} {count}\n");
                }
            }
        }

        Header(sb, "cloudingress_request_duration_seconds", "histogram", "Time from request to the end of the response, by route.");
        foreach (var r in routes)
        {
            long cumulative = 0;
            for (var i = 0; i <= RouteMetrics.Buckets.Length; i++)
            {
                cumulative += r.BucketCount(i);
                var le = i < RouteMetrics.Buckets.Length ? RouteMetrics.Buckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                sb.Append(CultureInfo.InvariantCulture, $"cloudingress_request_duration_seconds_bucket{{{Labels(r)},le=\"{le}\"}} {cumulative}\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_request_duration_seconds_sum{{{Labels(r)}}} {r.SumSeconds}\n");
            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_request_duration_seconds_count{{{Labels(r)}}} {cumulative}\n");
        }

        Header(sb, "cloudingress_upstream_errors_total", "counter", "Failed attempts to reach a backend, by reason.");
        foreach (var ((backend, reason), count) in _upstreamErrors.OrderBy(e => e.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_upstream_errors_total{{backend=\"{Escape(backend)}\",reason=\"{reason}\"}} {count}\n");
        }

        Header(sb, "cloudingress_passthrough_connections_total", "counter", "TLS passthrough connections spliced, by backend.");
        foreach (var (backend, count) in _passthrough.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_passthrough_connections_total{{backend=\"{Escape(backend)}\"}} {count}\n");
        }

        Header(sb, "cloudingress_l4_connections_total", "counter", "TCP connections spliced by L4 frontends (Services of type LoadBalancer), by frontend and port.");
        foreach (var ((frontend, port), count) in _l4.OrderBy(e => e.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_l4_connections_total{{frontend=\"{Escape(frontend)}\",port=\"{port}\"}} {count}\n");
        }

        Header(sb, "cloudingress_backend_endpoints", "gauge", "Endpoints of each backend, by health.");
        foreach (var (backend, healthy, unhealthy) in backends)
        {
            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_backend_endpoints{{backend=\"{Escape(backend)}\",state=\"healthy\"}} {healthy}\n");
            sb.Append(CultureInfo.InvariantCulture, $"cloudingress_backend_endpoints{{backend=\"{Escape(backend)}\",state=\"unhealthy\"}} {unhealthy}\n");
        }

        Header(sb, "cloudingress_config_reloads_total", "counter", "Configuration reloads, by result.");
        sb.Append(CultureInfo.InvariantCulture, $"cloudingress_config_reloads_total{{result=\"success\"}} {Volatile.Read(ref _reloadSuccess)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"cloudingress_config_reloads_total{{result=\"failure\"}} {Volatile.Read(ref _reloadFailure)}\n");
        Header(sb, "cloudingress_config_last_reload_success_timestamp_seconds", "gauge", "When the last good configuration was applied.");
        sb.Append(CultureInfo.InvariantCulture, $"cloudingress_config_last_reload_success_timestamp_seconds {Volatile.Read(ref _lastReloadUnixSeconds)}\n");
        Header(sb, "cloudingress_open_connections", "gauge", "Client connections open now.");
        sb.Append(CultureInfo.InvariantCulture, $"cloudingress_open_connections {Volatile.Read(ref _connections)}\n");
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Labels(RouteMetrics r) => $"route=\"{Escape(r.Route)}\",host=\"{Escape(r.Host)}\"";

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
