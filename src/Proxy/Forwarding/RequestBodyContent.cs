using System.Net;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// The client's request body, streamed to the backend as it arrives. Sent once: a request with a
/// body is never retried. For HTTP/2 backends the body may still be flowing while the response
/// streams back (gRPC bidirectional streaming).
/// </summary>
internal sealed class RequestBodyContent(Stream body, long? length, CancellationToken aborted) : HttpContent
{
    private int _started;

    public long BytesSent { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("a streamed request body can only be sent once");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted);
        BytesSent = await StreamCopy.CopyAsync(body, stream, null, Timeout.InfiniteTimeSpan, linked.Token);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long computed)
    {
        computed = length ?? -1;
        return length is not null;
    }
}
