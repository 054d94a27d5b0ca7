namespace CloudIngress.Proxy.Forwarding;

/// <summary>What happened to a forwarded request, for the access log and metrics. Status 499: the client went away.</summary>
internal readonly record struct ForwardOutcome(int Status, string? Upstream, long BytesSent, long BytesReceived);
