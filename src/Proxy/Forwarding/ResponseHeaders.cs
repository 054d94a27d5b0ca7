using Microsoft.AspNetCore.Http;
using System.Net;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>Copies a backend's response headers and trailers to the client, minus hop-by-hop headers.</summary>
internal static class ResponseHeaders
{
    public static void Copy(HttpResponseMessage from, HttpResponse to)
    {
        var upgrade = from.StatusCode == HttpStatusCode.SwitchingProtocols;
        var listed = from.Headers.TryGetValues("Connection", out var connection) ? Engine.HeaderPolicy.Listed(connection) : null;
        foreach (var (name, values) in from.Headers)
        {
            if (!Engine.HeaderPolicy.DropFromReframedResponse(name, listed, upgrade))
            {
                to.Headers[name] = values.ToArray();
            }
        }

        foreach (var (name, values) in from.Content.Headers)
        {
            to.Headers[name] = values.ToArray();
        }
    }

    /// <summary>Trailers (gRPC's grpc-status) go to clients that can take them.</summary>
    public static void CopyTrailers(HttpResponseMessage from, HttpResponse to)
    {
        if (!from.TrailingHeaders.Any() || !to.SupportsTrailers())
        {
            return;
        }

        foreach (var (name, values) in from.TrailingHeaders)
        {
            to.AppendTrailer(name, values.ToArray());
        }
    }
}
