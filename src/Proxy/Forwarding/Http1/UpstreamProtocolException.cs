namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>The backend's answer was not HTTP/1.1 we can pass on: the client gets 502, the connection is dropped.</summary>
internal sealed class UpstreamProtocolException(string message) : IOException(message);

/// <summary>
/// The backend failed after part of its body was already passed to the client: the client's
/// stream has been aborted, since no status can be sent any more.
/// </summary>
internal sealed class UpstreamBodyException(Exception inner) : IOException("the backend failed in the middle of the body", inner);
