using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace CloudIngress.Proxy.Observability;

/// <summary>One request, as the access log records it.</summary>
internal readonly record struct AccessLogEntry(
    DateTimeOffset Time,
    string? Client,
    string Method,
    string Host,
    string Path,
    string Protocol,
    int Status,
    string Route,
    string? Upstream,
    double DurationMs,
    long BytesSent,
    long BytesReceived,
    string? User);

/// <summary>
/// A JSON line per request, written by a background task so a slow sink never slows requests;
/// when the queue is full, entries are dropped and counted rather than blocking.
/// </summary>
internal sealed class AccessLog : IAsyncDisposable
{
    private readonly Channel<AccessLogEntry> _queue = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(65_536) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly TextWriter _sink;
    private readonly Task _writer;
    private long _dropped;

    public AccessLog(TextWriter sink)
    {
        _sink = sink;
        _writer = Task.Run(WriteLoop);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Write(in AccessLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    public static string Format(in AccessLogEntry e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", e.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("client", e.Client);
            json.WriteString("method", e.Method);
            json.WriteString("host", e.Host);
            json.WriteString("path", e.Path);
            json.WriteString("protocol", e.Protocol);
            json.WriteNumber("status", e.Status);
            json.WriteString("route", e.Route);
            json.WriteString("upstream", e.Upstream);
            json.WriteNumber("duration_ms", Math.Round(e.DurationMs, 3));
            json.WriteNumber("bytes_sent", e.BytesSent);
            json.WriteNumber("bytes_received", e.BytesReceived);
            if (e.User is not null)
            {
                json.WriteString("user", e.User);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task WriteLoop()
    {
        await foreach (var entry in _queue.Reader.ReadAllAsync())
        {
            await _sink.WriteLineAsync(Format(entry));
            if (_queue.Reader.Count == 0)
            {
                await _sink.FlushAsync();
            }
        }

        await _sink.FlushAsync();
    }
}
