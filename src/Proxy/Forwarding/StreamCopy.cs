using System.Buffers;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Streams bodies with one pooled buffer: nothing is ever buffered whole, memory stays flat
/// however large the body. Writes are flushed only when the next read would wait, so a small
/// response leaves in one write while streams (gRPC, SSE) still flow chunk by chunk.
/// </summary>
internal static class StreamCopy
{
    public const int BufferSize = 64 * 1024;

    /// <summary>Copies until the source ends; the idle timer restarts on every read. Returns bytes copied.</summary>
    public static async Task<long> CopyAsync(Stream source, Stream target, CancellationTokenSource? idle, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        var unflushed = false;
        try
        {
            while (true)
            {
                idle?.CancelAfter(idleTimeout);
                var pending = source.ReadAsync(buffer.AsMemory(), cancellationToken);
                if (!pending.IsCompleted && unflushed)
                {
                    await target.FlushAsync(cancellationToken);
                    unflushed = false;
                }

                var read = await pending;
                if (read == 0)
                {
                    if (unflushed)
                    {
                        await target.FlushAsync(cancellationToken);
                    }

                    return total;
                }

                total += read;
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                unflushed = true;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
