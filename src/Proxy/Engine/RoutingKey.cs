using System.Text;
using System.Text.Unicode;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// The host and path the route table is searched with, made from a head's bytes into caller
/// buffers (no strings): the host without its port, the path percent-decoded (except <c>%2F</c>,
/// which would change the path's segments) and without dot segments, as Kestrel's
/// <c>HttpRequest.Path</c> has it, so both paths route alike.
/// </summary>
internal static class RoutingKey
{
    /// <summary>Longest path routed from a stack buffer; longer ones use a pooled one.</summary>
    public const int StackPath = 512;

    /// <summary>The Host value without the port; IPv6 literals keep their brackets.</summary>
    public static ReadOnlySpan<byte> HostWithoutPort(ReadOnlySpan<byte> host)
    {
        if (!host.IsEmpty && host[0] == '[')
        {
            var end = host.IndexOf((byte)']');
            return end > 0 ? host[..(end + 1)] : host;
        }

        var colon = host.LastIndexOf((byte)':');
        return colon >= 0 ? host[..colon] : host;
    }

    /// <summary>Host bytes (already without the port) as chars; the parser checked they are ASCII.</summary>
    public static ReadOnlySpan<char> Host(ReadOnlySpan<byte> host, Span<char> into)
    {
        var written = Encoding.Latin1.GetChars(host, into);
        return into[..written];
    }

    /// <summary>
    /// Decodes and normalizes <paramref name="rawPath"/> into <paramref name="into"/> (at least as
    /// long as the raw path); false when the decoded bytes are not UTF-8 (a 400).
    /// </summary>
    public static bool TryPath(ReadOnlySpan<byte> rawPath, Span<byte> scratch, Span<char> into, out int written)
    {
        written = 0;
        var length = Decode(rawPath, scratch);
        length = RemoveDotSegments(scratch[..length]);
        return Utf8.ToUtf16(scratch[..length], into, out _, out written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;
    }

    private static int Decode(ReadOnlySpan<byte> raw, Span<byte> into)
    {
        var written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == '%' && i + 2 < raw.Length && HttpSyntax.HexValue(raw[i + 1]) is var high and >= 0 && HttpSyntax.HexValue(raw[i + 2]) is var low and >= 0
                && (high << 4 | low) != '/')
            {
                b = (byte)(high << 4 | low);
                i += 2;
            }

            into[written++] = b;
        }

        return written;
    }

    /// <summary>RFC 3986 §5.2.4 in place; returns the new length.</summary>
    private static int RemoveDotSegments(Span<byte> path)
    {
        if (path.IndexOf("/."u8) < 0)
        {
            return path.Length; // the usual path has no dot segments
        }

        var read = 0;
        var written = 0;
        while (read < path.Length)
        {
            var rest = path[read..];
            if (rest.StartsWith("/./"u8))
            {
                read += 2;
            }
            else if (rest.SequenceEqual("/."u8))
            {
                path[written++] = (byte)'/';
                read += 2;
            }
            else if (rest.StartsWith("/../"u8) || rest.SequenceEqual("/.."u8))
            {
                var last = path[..written].LastIndexOf((byte)'/');
                written = last < 0 ? 0 : last;
                if (rest.Length == 3)
                {
                    path[written++] = (byte)'/';
                    read += 3;
                }
                else
                {
                    read += 3;
                }
            }
            else
            {
                var next = rest[1..].IndexOf((byte)'/');
                var segment = next < 0 ? rest.Length : next + 1;
                rest[..segment].CopyTo(path[written..]);
                written += segment;
                read += segment;
            }
        }

        return written == 0 ? WriteRoot(path) : written;
    }

    private static int WriteRoot(Span<byte> path)
    {
        path[0] = (byte)'/';
        return 1;
    }
}
