using System.Buffers;
using System.Buffers.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// The <c>Date</c> field a proxy with a clock adds to a response that lacks one (RFC 9110
/// §6.6.1), as bytes formatted again only when the clock has reached another second: the
/// keep-alive path writes it without allocating and without a timer. One per connection, so it
/// is never rewritten while another thread copies it.
/// </summary>
internal sealed class DateHeader(TimeProvider time)
{
    // "Date: " + an IMF-fixdate, always 29 bytes ("Sun, 06 Nov 1994 08:49:37 GMT") + CRLF.
    private const int FieldLength = 6 + 29 + 2;

    private readonly byte[] _field = new byte[FieldLength];
    private long _second = long.MinValue;

    /// <summary>The whole field line for now, CRLF included.</summary>
    public ReadOnlySpan<byte> Now()
    {
        var second = time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond;
        if (second != _second)
        {
            Format(new DateTimeOffset(second * TimeSpan.TicksPerSecond, TimeSpan.Zero), _field);
            _second = second;
        }

        return _field;
    }

    public void WriteTo(IBufferWriter<byte> output) => output.Write(Now());

    private static void Format(DateTimeOffset at, Span<byte> field)
    {
        "Date: "u8.CopyTo(field);
        Utf8Formatter.TryFormat(at, field[6..^2], out _, new StandardFormat('R'));
        "\r\n"u8.CopyTo(field[^2..]);
    }
}
