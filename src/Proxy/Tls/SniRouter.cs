using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;
using CloudIngress.Proxy.Routing;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Proxy.Tls;

/// <summary>
/// Connection middleware on the HTTPS port, before TLS: peeks the ClientHello without consuming
/// it. Passthrough hosts are spliced to their pool as raw bytes; everything else continues to
/// Kestrel's TLS with the peeked bytes still unread, so one port serves both. A spliced connection
/// holds its route table (and so its pool) until it closes; a terminated one holds the certificate
/// its handshake selected (<see cref="CertificateLease"/>) until it closes.
/// </summary>
internal sealed partial class SniRouter(ProxyState state, ProxyOptions options, ProxyMetrics metrics, ILogger logger)
{
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        metrics.ConnectionOpened();
        var lease = new CertificateLease();
        connection.Features.Set(lease);
        var current = state.Acquire();
        try
        {
            if (!current.HasPassthrough)
            {
                current.Release();
                current = null;
                await next(connection);
                return;
            }

            var (result, serverName) = await PeekAsync(connection);
            if (result == ClientHelloResult.NeedMore)
            {
                return; // nothing usable arrived in time: drop the connection
            }

            var decision = result == ClientHelloResult.Complete ? current.Sni.Find(serverName ?? string.Empty) : null;
            if (decision?.Backend is null)
            {
                current.Release();
                current = null;
                await next(connection);
                return;
            }

            if (!EdgePolicy.IsAllowed(decision.AllowedSources, (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address))
            {
                LogRefused(logger, connection.RemoteEndPoint?.ToString(), serverName);
                return;
            }

            metrics.PassthroughConnection(decision.Backend.Id);
            await PassthroughSplicer.SpliceAsync(connection, decision.Backend, options, metrics, logger);
        }
        finally
        {
            current?.Release();
            lease.Release();
            metrics.ConnectionClosed();
        }
    }

    private async Task<(ClientHelloResult, string?)> PeekAsync(ConnectionContext connection)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(options.ClientHelloTimeout);
        var input = connection.Transport.Input;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token);
                var buffer = read.Buffer;
                var result = ClientHelloParser.TryParse(buffer, out var serverName);
                if (result != ClientHelloResult.NeedMore)
                {
                    // Nothing consumed, nothing marked examined: the next reader (TLS) sees every byte again.
                    input.AdvanceTo(buffer.Start);
                    return (result, serverName);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted || buffer.Length >= ClientHelloParser.MaxRecordLength)
                {
                    return (ClientHelloResult.NeedMore, null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (ClientHelloResult.NeedMore, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "passthrough connection from {Client} for {ServerName} refused by the source allow list")]
    private static partial void LogRefused(ILogger logger, string? client, string? serverName);
}
