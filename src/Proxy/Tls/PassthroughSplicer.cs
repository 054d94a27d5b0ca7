using CloudIngress.Core.Annotations;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace CloudIngress.Proxy.Tls;

/// <summary>
/// Splices a client connection to a backend endpoint byte for byte: a TLS passthrough connection
/// (the ClientHello included; the proxy never sees plaintext) or an L4 frontend's TCP connection. A PROXY protocol header goes first when the pool asks for it.
/// </summary>
internal static partial class PassthroughSplicer
{
    public static async Task SpliceAsync(ConnectionContext connection, BackendRuntime backend, ProxyOptions options, ProxyMetrics metrics, ILogger logger)
    {
        // Not the connection's closed token: Kestrel fires it when the client half-closes, which can
        // come before the backend accepts (`printf request | nc` sends and shuts at once); a client
        // that really went away fails the pumps as soon as they start.
        EndpointState? endpoint = null;
        Socket? socket = null;
        for (var attempt = 0; attempt < Math.Min(3, backend.Endpoints.Length) && socket is null; attempt++)
        {
            endpoint = backend.Pick(Environment.TickCount64 * TimeSpan.TicksPerMillisecond, exclude: endpoint);
            if (endpoint is null)
            {
                break;
            }

            socket = await ConnectAsync(endpoint, backend.Model.ConnectTimeout ?? options.ConnectTimeout);
            if (socket is null)
            {
                endpoint.MarkConnectFailure((Environment.TickCount64 * TimeSpan.TicksPerMillisecond) + options.PassiveHealthWindow.Ticks);
                metrics.UpstreamError(backend.Id, "connect");
            }
        }

        if (socket is null || endpoint is null)
        {
            LogUnreachable(logger, backend.Id);
            return;
        }

        endpoint.RequestStarted();
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (backend.Model.ProxyProtocol != ProxyProtocolVersion.None)
            {
                await stream.WriteAsync(ProxyProtocolHeader.Create(backend.Model.ProxyProtocol, connection.RemoteEndPoint, connection.LocalEndPoint));
            }

            var downstream = PumpToClientAsync(stream, connection.Transport.Output);
            await PumpToBackendAsync(connection.Transport.Input, stream, socket);
            await downstream;
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            // A reset on either side ends the splice; there is no one to tell.
        }
        finally
        {
            endpoint.RequestEnded();
        }
    }

    private static bool IsDisconnect(Exception e) => e is IOException or SocketException or OperationCanceledException or ConnectionResetException
        or ConnectionAbortedException or ObjectDisposedException;

    /// <summary>
    /// Not bound to the connection's closed token: Kestrel fires it when the client half-closes,
    /// and a client that shuts its sending side (`printf request | nc`) still waits for the answer.
    /// </summary>
    private static async Task PumpToBackendAsync(PipeReader client, NetworkStream backend, Socket socket)
    {
        try
        {
            await client.CopyToAsync(backend);
            socket.Shutdown(SocketShutdown.Send); // the client finished sending: pass the half-close on
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            // The client reset or was aborted (or the backend went): cut the backend too, which
            // ends the other pump even when the backend has nothing more to say.
            socket.Dispose();
        }
    }

    /// <summary>Ends when the backend closes or the client can take no more (its side is gone).</summary>
    private static async Task PumpToClientAsync(NetworkStream backend, PipeWriter client)
    {
        try
        {
            await backend.CopyToAsync(client);
        }
        finally
        {
            await client.CompleteAsync();
        }
    }

    private static async Task<Socket?> ConnectAsync(EndpointState endpoint, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(endpoint.EndPoint, cts.Token);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "spliced connection (passthrough or L4) dropped: no endpoint of {Backend} accepted it")]
    private static partial void LogUnreachable(ILogger logger, string backend);
}
