namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>The backend's answer was not HTTP/1.1 we can pass on: the client gets 502, the connection is dropped.</summary>
internal sealed class UpstreamProtocolException(string message) : IOException(message);
