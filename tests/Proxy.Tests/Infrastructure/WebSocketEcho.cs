using System.Net.WebSockets;
using System.Text;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>Round trips over a WebSocket to the test backend's <c>/ws</c> echo, then a clean close.</summary>
public static class WebSocketEcho
{
    public static async Task AssertEchoesAsync(ClientWebSocket socket, params string[] messages)
    {
        foreach (var message in messages)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[100_000];
            var received = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, received, buffer.Length - received), CancellationToken.None);
                received += result.Count;
            }
            while (!result.EndOfMessage);

            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, received));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }
}
