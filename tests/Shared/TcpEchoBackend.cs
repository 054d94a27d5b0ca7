using System.Net;
using System.Net.Sockets;

namespace CloudIngress.Tests;

/// <summary>
/// A plain TCP backend for L4 frontends: echoes every byte back. With <c>proxyHeader</c> it first
/// reads a PROXY protocol v2 header and keeps it, as a pod behind a load balancer would.
/// </summary>
internal sealed class TcpEchoBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly bool _proxyHeader;
    private readonly TaskCompletionSource<byte[]> _header = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _accepted;

    public TcpEchoBackend(bool proxyHeader = false)
    {
        _proxyHeader = proxyHeader;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptLoop();
    }

    public int Port { get; }

    /// <summary>Connections the proxy made to this backend.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The PROXY v2 header of the first connection.</summary>
    public Task<byte[]> Header => _header.Task;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _accepted);
                _ = Serve(client);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                if (_proxyHeader)
                {
                    var fixedPart = new byte[16];
                    await stream.ReadExactlyAsync(fixedPart);
                    var rest = new byte[(fixedPart[14] << 8) | fixedPart[15]];
                    await stream.ReadExactlyAsync(rest);
                    _header.TrySetResult([.. fixedPart, .. rest]);
                }

                await stream.CopyToAsync(stream);
            }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
            {
                // the proxy went away
            }
        }
    }
}
