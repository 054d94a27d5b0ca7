using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Forwarding.Http1;
using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace CloudIngress.Proxy.Engine;

/// <summary>Bodies both ways (fixed, chunked, until close) and the upgrade tunnel, between the client's pipes and the upstream connection.</summary>
internal sealed partial class Http1Session
{
    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<long> SendBodyAsync(Http1Connection upstream, long limit, TimeSpan timeout)
    {
        long total = 0;
        var remaining = _head.ContentLength;
        _requestChunks.Reset();
        while (true)
        {
            var result = await _input.ReadAsync();
            ThrowIfTimedOut();
            var buffer = result.Buffer;
            if (buffer.IsEmpty && result.IsCompleted)
            {
                throw new ClientGoneException();
            }

            SequencePosition end;
            bool done;
            if (_head.Chunked)
            {
                var reader = new SequenceReader<byte>(buffer);
                ChunkStatus status;
                while ((status = _requestChunks.Read(ref reader, out var data)) == ChunkStatus.Data)
                {
                    total += data.Length;
                }

                if (status == ChunkStatus.Invalid)
                {
                    throw new RequestBodyException(400, _requestChunks.Error ?? "invalid chunked body");
                }

                if (total > limit)
                {
                    throw new RequestBodyException(413, "request body too large");
                }

                end = reader.Position;
                done = status == ChunkStatus.Done;
            }
            else
            {
                var take = Math.Min(remaining, buffer.Length);
                end = buffer.GetPosition(take);
                remaining -= take;
                total += take;
                done = remaining == 0;
            }

            // The framing was checked above: the client's bytes go on as they came.
            foreach (var segment in buffer.Slice(0, end))
            {
                await SendAsync(upstream, segment);
            }

            if (done)
            {
                _input.AdvanceTo(end);
                return total;
            }

            _input.AdvanceTo(end, buffer.End);
            if (result.IsCompleted)
            {
                throw new ClientGoneException();
            }

            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Whether the backend's response head is here, final (1xx interim answers are consumed: they
    /// are not passed on); false: receive more. Waiting is the caller's, so that the wait for the
    /// backend is not one more async method per request.
    /// </summary>
    private bool ResponseHeadReady(Http1Connection upstream)
    {
        while (true)
        {
            switch (_response.Parse(upstream.Buffered, MaxResponseHead))
            {
                case HeadParse.Invalid:
                    throw new UpstreamProtocolException(_response.Error ?? "invalid response head");
                case HeadParse.Incomplete:
                    return false;
            }

            if (_response.Status is >= 200 or 101)
            {
                return true;
            }

            upstream.Consume(_response.Length);
        }
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<long> CopyFixedAsync(Http1Connection upstream, long length, TimeSpan timeout)
    {
        var remaining = length;
        var take = (int)Math.Min(remaining, upstream.Buffered.Length);
        _output.Write(upstream.Buffered[..take]);
        upstream.Consume(take);
        remaining -= take;
        while (remaining > 0)
        {
            await FlushAsync();
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            var memory = _output.GetMemory(StreamCopy.BufferSize);
            var read = await upstream.Socket.ReceiveAsync(memory[..(int)Math.Min(remaining, memory.Length)], SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("the backend closed the connection before the end of the body");
            }

            _output.Advance(read);
            remaining -= read;
        }

        return length;
    }

    /// <summary>The chunked body as framed (checked on the way), or only its data for <paramref name="dechunk"/>.</summary>
    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<long> CopyChunkedAsync(Http1Connection upstream, TimeSpan timeout, bool dechunk)
    {
        _responseChunks.Reset();
        long total = 0;
        while (true)
        {
            var buffered = new ReadOnlySequence<byte>(upstream.BufferedMemory);
            var reader = new SequenceReader<byte>(buffered);
            ChunkStatus status;
            while ((status = _responseChunks.Read(ref reader, out var data)) == ChunkStatus.Data)
            {
                total += data.Length;
                if (dechunk)
                {
                    CommitHead();
                    foreach (var segment in data)
                    {
                        _output.Write(segment.Span);
                    }
                }
            }

            if (status == ChunkStatus.Invalid)
            {
                throw new UpstreamProtocolException(_responseChunks.Error ?? "invalid chunked body");
            }

            if (reader.Consumed > 0 || status == ChunkStatus.Done)
            {
                CommitHead();
                if (!dechunk)
                {
                    _output.Write(upstream.Buffered[..(int)reader.Consumed]);
                }

                upstream.Consume((int)reader.Consumed);
            }

            if (status == ChunkStatus.Done)
            {
                return total;
            }

            if (_pendingHead is null)
            {
                await FlushAsync();
            }

            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            if (!upstream.Received(await upstream.ReceiveAsync(CancellationToken.None)))
            {
                throw new IOException("the backend closed the connection in a chunked body");
            }
        }
    }

    [AsyncMethodBuilder(typeof(PooledTaskBuilder<>))]
    private async ValueTask<long> CopyUntilCloseAsync(Http1Connection upstream, TimeSpan timeout)
    {
        long total = upstream.Buffered.Length;
        _output.Write(upstream.Buffered);
        upstream.Consume(upstream.Buffered.Length);
        while (true)
        {
            await FlushAsync();
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            var memory = _output.GetMemory(StreamCopy.BufferSize);
            var read = await upstream.Socket.ReceiveAsync(memory, SocketFlags.None);
            if (read == 0)
            {
                return total;
            }

            _output.Advance(read);
            total += read;
        }
    }

    private async Task TunnelAsync(Http1Connection upstream)
    {
        _output.Write(upstream.Buffered);
        upstream.Consume(upstream.Buffered.Length);
        await FlushAsync();
        await using var stream = new NetworkStream(upstream.Socket, ownsSocket: true); // disposing it ends the pump still reading
        await TunnelAsync(stream);
    }

    /// <summary>After 101 the backend's stream and the client's pipes are pumped both ways until either ends.</summary>
    private async Task TunnelAsync(Stream upstream)
    {
        var toUpstream = PumpToStreamAsync(upstream);
        var toClient = PumpFromStreamAsync(upstream);
        await Task.WhenAny(toUpstream, toClient);
        await upstream.DisposeAsync();
        _input.CancelPendingRead();
        _output.CancelPendingFlush();
        await Task.WhenAll(Quiet(toUpstream), Quiet(toClient));
    }

    private async Task PumpToStreamAsync(Stream upstream)
    {
        while (true)
        {
            var result = await _input.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                await upstream.WriteAsync(segment);
            }

            await upstream.FlushAsync();
            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    private async Task PumpFromStreamAsync(Stream upstream)
    {
        while (true)
        {
            var memory = _output.GetMemory(StreamCopy.BufferSize);
            var read = await upstream.ReadAsync(memory);
            if (read == 0)
            {
                return;
            }

            _output.Advance(read);
            await FlushAsync();
        }
    }

    private static async Task Quiet(Task pump)
    {
        try
        {
            await pump;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or ClientGoneException or InvalidOperationException)
        {
        }
    }
}
