namespace CloudIngress.Proxy.Forwarding;

/// <summary>Per-request inputs of the forwarder beyond the HttpContext.</summary>
internal readonly record struct ForwardingContext(
    string PathAndQuery,
    string Scheme,
    int ListenerPort,
    TimeSpan Timeout,
    bool AddForwardedHeader);
