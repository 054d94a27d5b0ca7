using System.Net;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>
/// Request content that flushes every chunk as it is produced, as gRPC clients do; StreamContent
/// only flushes at the end, which makes a duplex stream impossible.
/// </summary>
public sealed class FlushingContent(Stream source) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
