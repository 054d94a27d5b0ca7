using CloudIngress.Proxy.Backends;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>Builds the request to a backend from the client's: method, raw target, headers minus hop-by-hop, forwarding headers, body.</summary>
internal static class UpstreamRequest
{
    public static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0;

    public static HttpRequestMessage Create(HttpContext context, UpstreamTransport transport, EndpointState endpoint,
        ForwardingContext forwarding, bool upgrade, UriCreationOptions uriOptions)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), new Uri(endpoint.HttpBase + forwarding.PathAndQuery, uriOptions))
        {
            Version = upgrade ? System.Net.HttpVersion.Version11 : transport.Version,
            VersionPolicy = upgrade ? HttpVersionPolicy.RequestVersionExact : transport.VersionPolicy,
        };

        if (HasBody(context) && !upgrade)
        {
            request.Content = new RequestBodyContent(incoming.Body, incoming.ContentLength, context.RequestAborted);
        }

        var listed = Engine.HeaderPolicy.Listed(incoming.Headers.Connection);
        foreach (var (name, values) in incoming.Headers)
        {
            if (Engine.HeaderPolicy.DropFromRequest(name, listed))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        // The Host is passed through: virtual hosting on the backend sees what the client asked for.
        request.Headers.Host = incoming.Host.Value;
        if (upgrade)
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", (IEnumerable<string>)incoming.Headers.Upgrade);
        }
        else if (transport.Key.Http2 && incoming.Headers.TE.Count > 0)
        {
            // gRPC needs "te: trailers"; it is the only TE value HTTP/2 allows.
            request.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        AddForwardedHeaders(context, request, forwarding);
        return request;
    }

    /// <summary>
    /// This proxy is the edge: clients' own X-Forwarded-* and Forwarded headers are replaced, not extended, so
    /// the pods see the real client and scheme rather than whatever a client claims.
    /// </summary>
    private static void AddForwardedHeaders(HttpContext context, HttpRequestMessage request, ForwardingContext forwarding)
    {
        var client = context.Connection.RemoteIpAddress;
        if (client?.IsIPv4MappedToIPv6 == true)
        {
            client = client.MapToIPv4();
        }

        foreach (var (name, value) in Engine.HeaderPolicy.ForwardedFields(client, forwarding.Scheme == "https", context.Request.Host.Value ?? string.Empty,
            forwarding.ListenerPort, forwarding.AddForwardedHeader))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
