using System.Net.Sockets;

namespace CloudIngress.Proxy.Forwarding.Http1;

/// <summary>Kept-alive connections to one endpoint, newest first; stale ones are dropped on the way out.</summary>
internal sealed class Http1ConnectionPool(System.Net.EndPoint endpoint, string authority, TimeSpan connectTimeout) : IDisposable
{
    private const int MaxIdle = 1024;
    private static readonly long MaxIdleMilliseconds = 50_000; // below the usual 60 s keep-alive of backends

    // A locked list rather than a ConcurrentStack: pushing onto that allocates a node per returned
    // connection, i.e. per request; the lock is held for a few instructions.
    private readonly List<Http1Connection> _idle = [];

    /// <summary>
    /// A pooled connection, else a new one. <paramref name="checkAlive"/> false skips the poll
    /// (a system call) for a caller that replays the request on a new connection if the pooled
    /// one turns out closed.
    /// </summary>
    public async ValueTask<Http1Connection> RentAsync(CancellationToken cancellationToken, bool checkAlive = true)
    {
        var now = Environment.TickCount64;
        while (TryPop(out var pooled))
        {
            if (now - pooled.IdleSince < MaxIdleMilliseconds && (!checkAlive || pooled.LooksAlive))
            {
                return pooled;
            }

            pooled.Dispose();
        }

        return await ConnectAsync(cancellationToken);
    }

    public async ValueTask<Http1Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            return new Http1Connection(socket);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw new UpstreamConnectException(authority, e is OperationCanceledException, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Return(Http1Connection connection)
    {
        if (connection.IsDrained)
        {
            connection.Reused = true;
            connection.IdleSince = Environment.TickCount64;
            lock (_idle)
            {
                if (_idle.Count < MaxIdle)
                {
                    _idle.Add(connection);
                    return;
                }
            }
        }

        connection.Dispose();
    }

    public void Dispose()
    {
        while (TryPop(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>The newest idle connection: the one most likely still open at the backend.</summary>
    private bool TryPop([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Http1Connection? connection)
    {
        lock (_idle)
        {
            if (_idle.Count == 0)
            {
                connection = null;
                return false;
            }

            connection = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            return true;
        }
    }
}
