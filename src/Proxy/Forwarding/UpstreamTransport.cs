namespace CloudIngress.Proxy.Forwarding;

/// <summary>How requests reach a pool: the invoker and the HTTP version to speak.</summary>
internal sealed class UpstreamTransport(HttpMessageInvoker invoker, TransportKey key)
{
    public HttpMessageInvoker Invoker => invoker;

    public TransportKey Key => key;

    public Version Version { get; } = key.Http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;

    /// <summary>
    /// Plain HTTP/1.1 backends take the lean path (<see cref="Http1.Http1Exchange"/>); TLS, HTTP/2 and
    /// upgrades go through SocketsHttpHandler.
    /// </summary>
    public bool Http1 => !key.Tls && !key.Http2;

    /// <summary>gRPC needs HTTP/2 exactly (h2c when plaintext); the rest speaks HTTP/1.1.</summary>
    public HttpVersionPolicy VersionPolicy { get; } = key.Http2 ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower;
}
