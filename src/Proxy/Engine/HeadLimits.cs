namespace CloudIngress.Proxy.Engine;

/// <summary>How large a request head may be: over the line limit is 414, over the others 431.</summary>
internal readonly record struct HeadLimits(int MaxRequestLine, int MaxHeadersTotal, int MaxHeaderCount)
{
    public static HeadLimits From(ProxyOptions options) =>
        new(options.MaxRequestLineSize, options.MaxRequestHeadersTotalSize, options.MaxRequestHeaderCount);

    /// <summary>The most a complete head (request line, fields, blank line) can take.</summary>
    public int MaxHead => MaxRequestLine + 2 + MaxHeadersTotal + 2;
}
