using System.Buffers;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Streams bodies with one pooled buffer: nothing is ever buffered whole, memory stays flat
/// however large the body. Each write is flushed so streaming protocols (gRPC, SSE) flow.
/// </summary>
internal static class StreamCopy
{
    public const int BufferSize = 64 * 1024;

    /// <summary>Copies until the source ends; the idle timer restarts on every read. Returns bytes copied.</summary>
    public static async Task<long> CopyAsync(Stream source, Stream target, CancellationTokenSource? idle, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                idle?.CancelAfter(idleTimeout);
                var read = await source.ReadAsync(buffer.AsMemory(), cancellationToken);
                if (read == 0)
                {
                    return total;
                }

                total += read;
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await target.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
