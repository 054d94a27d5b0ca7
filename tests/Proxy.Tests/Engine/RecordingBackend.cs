using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>
/// An HTTP/1.1 backend that records the request line of every request it parses on its kept-alive
/// connections (framing by Content-Length or chunked, as a typical server does) and answers each
/// with "ok": what a smuggled request would look like from the pod's side.
/// </summary>
internal sealed class RecordingBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly byte[] _answer;

    private readonly bool _closeAfterEach;

    /// <summary>
    /// <paramref name="answer"/>: what each request gets (a 200 "ok" by default);
    /// <paramref name="closeAfterEach"/>: the connection is closed after each answer, without saying so.
    /// </summary>
    public RecordingBackend(string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", bool closeAfterEach = false)
    {
        _answer = Encoding.Latin1.GetBytes(answer);
        _closeAfterEach = closeAfterEach;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => ServeAsync(client));
            }
        });
    }

    public int Port { get; }

    /// <summary>Request lines in the order they were parsed.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    /// <summary>Whole requests (head and body) in the order they were parsed.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var pending = new List<byte>();
            var buffer = new byte[8192];
            try
            {
                while (true)
                {
                    while (TryTakeRequest(pending, out var line, out var request))
                    {
                        Requests.Enqueue(request);
                        RequestLines.Enqueue(line);
                        await stream.WriteAsync(_answer);
                        if (_closeAfterEach)
                        {
                            return;
                        }
                    }

                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    pending.AddRange(buffer.AsSpan(0, read));
                }
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Takes one whole request off the front of <paramref name="pending"/>.</summary>
    private static bool TryTakeRequest(List<byte> pending, out string line, out string request)
    {
        line = request = string.Empty;
        var text = Encoding.Latin1.GetString(pending.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var head = text[..headEnd];
        var fields = head.Split("\r\n").Skip(1).Select(f => f.Split(':', 2)).Where(f => f.Length == 2)
            .ToLookup(f => f[0].Trim(), f => f[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var bodyStart = headEnd + 4;
        int end;
        if (fields["Transfer-Encoding"].Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            end = bodyStart;
            while (true)
            {
                var sizeEnd = text.IndexOf("\r\n", end, StringComparison.Ordinal);
                if (sizeEnd < 0)
                {
                    return false;
                }

                var size = Convert.ToInt32(text[end..sizeEnd].Split(';')[0], 16);
                end = sizeEnd + 2 + size + 2;
                if (size == 0)
                {
                    var trailersEnd = text.IndexOf("\r\n", sizeEnd + 2, StringComparison.Ordinal);
                    if (trailersEnd < 0)
                    {
                        return false;
                    }

                    end = text.IndexOf("\r\n\r\n", sizeEnd, StringComparison.Ordinal) + 4;
                    break;
                }

                if (end > text.Length)
                {
                    return false;
                }
            }
        }
        else
        {
            end = bodyStart + (fields["Content-Length"].FirstOrDefault() is { } length ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0);
        }

        if (end > text.Length)
        {
            return false;
        }

        line = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
        request = text[..end];
        pending.RemoveRange(0, end);
        return true;
    }
}
