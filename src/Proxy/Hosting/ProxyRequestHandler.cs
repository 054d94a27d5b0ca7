using CloudIngress.Core.Model;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using System.Diagnostics;

namespace CloudIngress.Proxy.Hosting;

/// <summary>
/// One request through the data plane: route (host, then path), edge policy (source range 403,
/// basic auth 401), then the action: redirect 308, fixed response, or forward. Every request is
/// counted and logged, whatever happened. The request holds its route table until it is done, so
/// a long stream keeps its transport and endpoints through any number of reloads.
/// </summary>
internal sealed class ProxyRequestHandler(ProxyState state, HttpForwarder forwarder, ProxyOptions options, AccessLog? accessLog)
{
    public async Task HandleAsync(HttpContext context)
    {
        var current = state.Acquire();
        try
        {
            await HandleAsync(context, current);
        }
        finally
        {
            current.Release();
        }
    }

    private async Task HandleAsync(HttpContext context, RouteTable current)
    {
        var started = Stopwatch.GetTimestamp();
        var listener = context.Request.IsHttps ? current.Https : current.Http;
        var host = HostWithoutPort(context.Request.Headers.Host.ToString());
        var path = context.Request.Path.Value ?? "/";
        var route = listener.Match(host, path);
        var action = route?.Action ?? listener.DefaultAction;
        var metrics = route?.Metrics ?? listener.DefaultMetrics;
        ForwardOutcome outcome;
        string? user = null;
        try
        {
            (outcome, user) = await HandleAsync(context, route, action, host, path);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = new ForwardOutcome(499, null, 0, 0);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Record(outcome.Status, Stopwatch.GetTimestamp() - started);
        accessLog?.Write(new AccessLogEntry(DateTimeOffset.UtcNow, context.Connection.RemoteIpAddress?.ToString(), context.Request.Method,
            host.ToString(), path, context.Request.Protocol, outcome.Status, metrics.Route, outcome.Upstream, elapsed.TotalMilliseconds,
            outcome.BytesSent, outcome.BytesReceived, user));
    }

    private async Task<(ForwardOutcome, string? User)> HandleAsync(HttpContext context, CompiledRoute? route, CompiledAction action, string host, string path)
    {
        string? user = null;
        if (route?.Policy is { } policy)
        {
            if (!EdgePolicy.IsAllowed(policy.AllowedSources, context.Connection.RemoteIpAddress))
            {
                return (await Respond(context, StatusCodes.Status403Forbidden, "your address is not allowed here"), null);
            }

            if (policy.Auth is { } auth)
            {
                user = auth.Authenticate(context.Request.Headers.Authorization.ToString(), Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
                if (user is null)
                {
                    context.Response.Headers.WWWAuthenticate = auth.Challenge;
                    return (await Respond(context, StatusCodes.Status401Unauthorized, "authentication required"), null);
                }
            }
        }

        switch (action.Kind)
        {
            case RouteActionKind.Redirect:
                var port = action.RedirectPort == 443 ? options.PublicHttpsPort ?? 443 : action.RedirectPort;
                context.Response.StatusCode = action.StatusCode;
                context.Response.Headers.Location = $"https://{host}{(port == 443 ? string.Empty : ":" + port)}{RawTarget(context)}";
                return (new ForwardOutcome(action.StatusCode, null, 0, 0), user);
            case RouteActionKind.FixedResponse:
                return (await Respond(context, action.StatusCode, action.StatusCode == 404 ? "no route for this host and path" : "fixed response"), user);
        }

        var backend = action.SelectBackend(action.CanaryHeader is { } canary && context.Request.Headers.TryGetValue(canary, out var value)
            ? value.ToString() : null);
        if (backend is null)
        {
            return (await Respond(context, StatusCodes.Status503ServiceUnavailable, "no backend for this route"), user);
        }

        var bodyLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodyLimit is { IsReadOnly: false } && route?.Policy?.MaxRequestBodyBytes is { } max)
        {
            bodyLimit.MaxRequestBodySize = max == 0 ? null : max;
        }

        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            && context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            // A gRPC stream may send one small message a minute; Kestrel's minimum upload rate
            // (240 B/s after 5 s, against slow-body attacks) would reset it as a slow client.
            rate.MinDataRate = null;
        }

        var target = route?.Policy?.RewriteTarget is { } rewrite ? Rewrite(context, route, rewrite, path) : RawTarget(context);
        var forwarding = new ForwardingContext(target, context.Request.IsHttps ? "https" : "http", context.Connection.LocalPort,
            route?.Policy?.RequestTimeout ?? options.RequestTimeout, options.AddForwardedHeader);
        return (await forwarder.ForwardAsync(context, backend, forwarding), user);
    }

    private static async Task<ForwardOutcome> Respond(HttpContext context, int status, string message)
    {
        await ProxyResponses.WriteAsync(context, status, message);
        return new ForwardOutcome(status, null, 0, 0);
    }

    /// <summary>What the client sent, percent-encoding and all, so the backend sees the same request.</summary>
    internal static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return raw is { Length: > 0 } && raw[0] == '/'
            ? raw
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
    }

    /// <summary>
    /// rewrite-target replaces the matched prefix: <c>Prefix /app</c> + <c>/v1</c> sends <c>/app/x?q</c>
    /// as <c>/v1/x?q</c>; an Exact path is replaced whole.
    /// </summary>
    internal static string Rewrite(HttpContext context, CompiledRoute route, string target, string path) =>
        Rewrite(route, target, path, context.Request.QueryString.ToUriComponent());

    /// <summary>The same on the decoded path and the raw query (with its '?').</summary>
    internal static string Rewrite(CompiledRoute route, string target, string path, string query)
    {
        if (route.Kind == PathMatchKind.Exact)
        {
            return target + query;
        }

        var rest = route.Path == "/" ? path : path[route.Path.Length..];
        var rewritten = target.TrimEnd('/') + rest;
        var encoded = new PathString(rewritten.Length == 0 ? "/" : rewritten).ToUriComponent();
        return encoded + query;
    }

    /// <summary>Host header without the port; IPv6 literals keep their brackets.</summary>
    internal static string HostWithoutPort(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? host[..(end + 1)] : host;
        }

        var colon = host.LastIndexOf(':');
        return colon >= 0 ? host[..colon] : host;
    }
}
