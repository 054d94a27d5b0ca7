namespace CloudIngress.Proxy.Forwarding;

/// <summary>The TCP connection to an endpoint could not be made: nothing was sent, so a retry elsewhere is safe.</summary>
internal sealed class UpstreamConnectException(string endpoint, bool timedOut, Exception inner)
    : IOException(timedOut ? $"timed out connecting to {endpoint}" : $"could not connect to {endpoint}", inner)
{
    public bool TimedOut => timedOut;
}
