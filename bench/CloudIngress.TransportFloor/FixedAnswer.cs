using Microsoft.AspNetCore.Connections;
using System.Buffers;

namespace CloudIngress.TransportFloor;

/// <summary>Answers every request head (up to its empty line) with the bench backend's own response.</summary>
internal sealed class FixedAnswer : ConnectionHandler
{
    private static readonly byte[] Response =
        "HTTP/1.1 200 OK\r\nServer: floor\r\nDate: Fri, 27 Nov 2026 14:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 23\r\nConnection: keep-alive\r\n\r\nhello from the backend\n"u8.ToArray();

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            var answered = false;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                if (line.Length <= 1)
                {
                    output.Write(Response);
                    answered = true;
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (answered)
            {
                await output.FlushAsync();
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
