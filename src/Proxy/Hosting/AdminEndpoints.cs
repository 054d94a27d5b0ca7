using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace CloudIngress.Proxy.Hosting;

/// <summary><c>/healthz</c> (alive), <c>/readyz</c> (serving; false while starting and draining), <c>/metrics</c> (Prometheus).</summary>
internal sealed class AdminEndpoints(Func<RouteTable> table, ProxyMetrics metrics, Func<bool> ready, Func<string?> extraMetrics)
{
    public Task HandleAsync(HttpContext context)
    {
        switch (context.Request.Path.Value)
        {
            case "/healthz":
                return Text(context, StatusCodes.Status200OK, "ok\n", "text/plain; charset=utf-8");
            case "/readyz":
                return ready()
                    ? Text(context, StatusCodes.Status200OK, "ready\n", "text/plain; charset=utf-8")
                    : Text(context, StatusCodes.Status503ServiceUnavailable, "not ready\n", "text/plain; charset=utf-8");
            case "/metrics":
                var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
                var backends = table().Backends.Select(b =>
                    (b.Id, b.Endpoints.Count(e => e.IsAvailable(now)), b.Endpoints.Count(e => !e.IsAvailable(now))));
                return Text(context, StatusCodes.Status200OK, metrics.Render(backends) + extraMetrics(), "text/plain; version=0.0.4; charset=utf-8");
            default:
                return Text(context, StatusCodes.Status404NotFound, "not found\n", "text/plain; charset=utf-8");
        }
    }

    private static Task Text(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }
}
