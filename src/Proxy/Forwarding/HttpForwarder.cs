using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using System.Net;
using System.Security.Authentication;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Forwards one request to a pool: picks an endpoint, streams the request and the response both
/// ways, tunnels upgrades, copies trailers, and maps failures to the status a user expects
/// (502 unreachable, 503 no endpoints, 504 timeout). Bodyless idempotent requests are retried on
/// another endpoint when the connection could not even be made.
/// </summary>
internal sealed class HttpForwarder(ProxyMetrics metrics, ProxyOptions options)
{
    private const int MaxAttempts = 3;
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public async Task<ForwardOutcome> ForwardAsync(HttpContext context, BackendRuntime backend, ForwardingContext forwarding)
    {
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        var endpoint = backend.Pick(now);
        if (endpoint is null)
        {
            await ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "no ready endpoints for this backend");
            return new ForwardOutcome(StatusCodes.Status503ServiceUnavailable, null, 0, 0);
        }

        var retryable = !UpstreamRequest.HasBody(context) && IsIdempotent(context.Request.Method);
        for (var attempt = 1; ; attempt++)
        {
            var result = await TryForwardAsync(context, backend, endpoint, forwarding, canRetry: retryable && attempt < Math.Min(MaxAttempts, backend.Endpoints.Length));
            if (result is { } outcome)
            {
                return outcome;
            }

            endpoint = backend.Pick(Environment.TickCount64 * TimeSpan.TicksPerMillisecond, exclude: endpoint)!;
        }
    }

    /// <summary>Null outcome: the connect failed and the caller should retry elsewhere.</summary>
    private async Task<ForwardOutcome?> TryForwardAsync(HttpContext context, BackendRuntime backend, EndpointState endpoint,
        ForwardingContext forwarding, bool canRetry)
    {
        using var lease = TimeoutSources.Rent(forwarding.Timeout, context.RequestAborted);
        var timeout = lease.Source;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } feature ? feature : null;
        endpoint.RequestStarted();
        HttpRequestMessage? request = null;
        HttpResponseMessage? response = null;
        try
        {
            if (backend.Transport.Http1 && upgrade is null)
            {
                var pool = endpoint.Connections(backend.Transport.Key.ConnectTimeout);
                var (leanSent, leanReceived) = await Http1.Http1Exchange.ExchangeAsync(context, pool, forwarding, timeout);
                return new ForwardOutcome(context.Response.StatusCode, endpoint.Authority, leanSent, leanReceived);
            }

            request = UpstreamRequest.Create(context, backend.Transport, endpoint, forwarding, upgrade is not null, RawUri);
            response = await backend.Transport.Invoker.SendAsync(request, timeout.Token);
            var (sent, received) = await RelayResponseAsync(context, response, upgrade, timeout, forwarding.Timeout);
            var bodySent = (request.Content as RequestBodyContent)?.BytesSent ?? 0;
            return new ForwardOutcome(context.Response.StatusCode, endpoint.Authority, sent, Math.Max(received, bodySent));
        }
        catch (Exception e) when (FindInner<UpstreamConnectException>(e) is { } connect)
        {
            endpoint.MarkConnectFailure((Environment.TickCount64 * TimeSpan.TicksPerMillisecond) + options.PassiveHealthWindow.Ticks);
            metrics.UpstreamError(backend.Id, connect.TimedOut ? "connect_timeout" : "connect");
            if (canRetry && !context.Response.HasStarted)
            {
                return null;
            }

            return await Fail(context, endpoint, connect.TimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                connect.TimedOut ? "timed out connecting to the backend" : "could not connect to the backend");
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return new ForwardOutcome(499, endpoint.Authority, 0, 0);
        }
        catch (Exception e) when (FindInner<Microsoft.AspNetCore.Http.BadHttpRequestException>(e) is { } bad)
        {
            return await Fail(context, endpoint, bad.StatusCode, bad.StatusCode == 413 ? "request body too large" : "bad request");
        }
        catch (Http1.UpstreamBodyException)
        {
            metrics.UpstreamError(backend.Id, "body");
            return new ForwardOutcome(StatusCodes.Status502BadGateway, endpoint.Authority, 0, 0);
        }
        catch (Http1.UpstreamProtocolException e)
        {
            metrics.UpstreamError(backend.Id, "protocol");
            return await Fail(context, endpoint, StatusCodes.Status502BadGateway, "the backend's answer was not valid HTTP: " + e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            metrics.UpstreamError(backend.Id, "timeout");
            return await Fail(context, endpoint, StatusCodes.Status504GatewayTimeout, "the backend did not answer in time");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or AuthenticationException or OperationCanceledException)
        {
            var tls = FindInner<AuthenticationException>(e) is not null;
            metrics.UpstreamError(backend.Id, tls ? "tls" : "reset");
            return await Fail(context, endpoint, StatusCodes.Status502BadGateway,
                tls ? "the backend's TLS certificate was not accepted" : "the backend closed the connection");
        }
        finally
        {
            endpoint.RequestEnded();
            response?.Dispose();
            request?.Dispose();
        }
    }

    private static async Task<(long Sent, long Received)> RelayResponseAsync(HttpContext context, HttpResponseMessage response,
        IHttpUpgradeFeature? upgrade, CancellationTokenSource timeout, TimeSpan idleTimeout)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        ResponseHeaders.Copy(response, context.Response);
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols && upgrade is not null)
        {
            return await TunnelAsync(context, response, upgrade);
        }

        var upstreamBody = await response.Content.ReadAsStreamAsync(timeout.Token);
        var sent = await StreamCopy.CopyAsync(upstreamBody, context.Response.Body, timeout, idleTimeout, timeout.Token);
        ResponseHeaders.CopyTrailers(response, context.Response);
        return (sent, 0);
    }

    /// <summary>WebSocket and other upgrades: after 101 both sides are raw byte streams, pumped until either ends.</summary>
    private static async Task<(long, long)> TunnelAsync(HttpContext context, HttpResponseMessage response, IHttpUpgradeFeature upgrade)
    {
        await using var upstream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        await using var client = await upgrade.UpgradeAsync();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var toUpstream = StreamCopy.CopyAsync(client, upstream, null, Timeout.InfiniteTimeSpan, done.Token);
        var toClient = StreamCopy.CopyAsync(upstream, client, null, Timeout.InfiniteTimeSpan, done.Token);
        await Task.WhenAny(toUpstream, toClient);
        await done.CancelAsync();
        long received = 0, sent = 0;
        try
        {
            received = await toUpstream;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }

        try
        {
            sent = await toClient;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }

        return (sent, received);
    }

    private static async Task<ForwardOutcome> Fail(HttpContext context, EndpointState endpoint, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            // Too late for a status: the only honest signal left is a broken stream.
            context.Abort();
            return new ForwardOutcome(status, endpoint.Authority, 0, 0);
        }

        context.Response.Headers.Clear();
        await ProxyResponses.WriteAsync(context, status, message);
        return new ForwardOutcome(status, endpoint.Authority, 0, 0);
    }

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static T? FindInner<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
