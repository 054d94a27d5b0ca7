using Microsoft.AspNetCore.Http;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>The proxy's own answers: a status and one short plain-text line, never a stack trace.</summary>
internal static class ProxyResponses
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.WriteAsync($"{status} {message}\n", context.RequestAborted);
    }
}
