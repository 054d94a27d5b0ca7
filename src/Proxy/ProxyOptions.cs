namespace CloudIngress.Proxy;

/// <summary>How the data plane listens and the limits it enforces; the CLI flags fill it.</summary>
public sealed record ProxyOptions
{
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests); the bound ports are reported after start.</summary>
    public int HttpPort { get; init; } = 8080;

    public int HttpsPort { get; init; } = 8443;

    public int AdminPort { get; init; } = 10254;

    /// <summary>The HTTPS port clients see, for redirects; null keeps the port the model names (443).</summary>
    public int? PublicHttpsPort { get; init; }

    /// <summary>Until a backend's response headers arrive, and between two reads of its body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an endpoint that refused a connection stays out of rotation.</summary>
    public TimeSpan PassiveHealthWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Request bodies above this get 413 unless a route says otherwise; null is unlimited.</summary>
    public long? MaxRequestBodyBytes { get; init; } = 1L << 30;

    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; init; } = 100;

    public int MaxRequestLineSize { get; init; } = 8 * 1024;

    /// <summary>Slowloris guard: the whole header block must arrive within this time.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    public long MaxConcurrentConnections { get; init; } = 10_000;

    /// <summary>How long a TLS client may take to send its ClientHello before the connection is dropped.</summary>
    public TimeSpan ClientHelloTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for in-flight requests and connections.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Also send the RFC 7239 <c>Forwarded</c> header.</summary>
    public bool AddForwardedHeader { get; init; }

    /// <summary>
    /// HTTP/1.1 connections (plain, and TLS ones that did not negotiate h2) are served by the
    /// connection-layer engine (<see cref="Engine.Http1Engine"/>); false puts them on Kestrel's
    /// HTTP stack and the HttpContext path, as HTTP/2 always is.
    /// </summary>
    public bool Http1Engine { get; init; } = true;

    /// <summary>Clock of the engine's per-connection timers (tests move a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the JSON access log goes; null turns it off.</summary>
    public TextWriter? AccessLog { get; init; }
}
