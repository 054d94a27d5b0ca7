using System.Net.Sockets;

namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>
/// One kept-alive HTTP/1.1 connection to an endpoint, with its receive buffer. The buffer is the
/// connection's for its whole life: requests on a reused connection allocate no buffers.
/// </summary>
internal sealed class Http1Connection(Socket socket) : IDisposable
{
    private const int MaxHeadBuffer = 64 * 1024;

    private byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;

    public Socket Socket => socket;

    /// <summary>The request head is written here; reused for every request of the connection.</summary>
    public System.Buffers.ArrayBufferWriter<byte> RequestHead { get; } = new(2048);

    /// <summary>
    /// A pooled connection the backend has closed (or that holds stray bytes) is readable while
    /// idle: one poll tells, before a request is spent on it.
    /// </summary>
    public bool LooksAlive => !socket.Poll(0, SelectMode.SelectRead);

    /// <summary>Served a request before: the backend may have closed it while it was idle.</summary>
    public bool Reused { get; set; }

    public long IdleSince { get; set; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> BufferedMemory => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Nothing left unread: the next response starts clean.</summary>
    public bool IsDrained => _start == _end;

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Reads more into the buffer (growing it for large heads); false when the backend closed the connection.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken) =>
        Received(await ReceiveAsync(cancellationToken));

    /// <summary>
    /// The socket's own receive into the free end of the buffer, with no async layer of its own:
    /// the engine awaits it directly and hands the count to <see cref="Received"/>.
    /// </summary>
    public ValueTask<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else if (_buffer.Length < MaxHeadBuffer)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            else
            {
                throw new UpstreamProtocolException("response head too large");
            }
        }

        return socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
    }

    /// <summary>Counts what <see cref="ReceiveAsync"/> read; false when the backend closed the connection.</summary>
    public bool Received(int read)
    {
        _end += read;
        return read > 0;
    }

    public void Dispose() => socket.Dispose();
}
