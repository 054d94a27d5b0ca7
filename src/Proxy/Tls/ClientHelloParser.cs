using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CloudIngress.Proxy.Tls;

public enum ClientHelloResult
{
    /// <summary>A ClientHello was read; the server name is set when the client sent one.</summary>
    Complete,

    /// <summary>The record is not complete yet; read more.</summary>
    NeedMore,

    /// <summary>Not a TLS ClientHello (or one we cannot read): let TLS itself decide.</summary>
    NotTls,
}

/// <summary>
/// Reads the SNI host name out of the first TLS record without consuming or decrypting anything
/// (RFC 8446 §4.1.2, RFC 6066 §3). Every length is checked against what is there: no input
/// makes it throw or read out of bounds.
/// </summary>
public static class ClientHelloParser
{
    public const int MaxRecordLength = 16384 + 5;

    public static ClientHelloResult TryParse(ReadOnlySequence<byte> data, out string? serverName)
    {
        serverName = null;
        if (data.Length < 5)
        {
            return data.Length > 0 && data.FirstSpan[0] != 0x16 ? ClientHelloResult.NotTls : ClientHelloResult.NeedMore;
        }

        Span<byte> header = stackalloc byte[5];
        data.Slice(0, 5).CopyTo(header);
        if (header[0] != 0x16 || header[1] != 3)
        {
            return ClientHelloResult.NotTls;
        }

        var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (recordLength is 0 or > 16384)
        {
            return ClientHelloResult.NotTls;
        }

        if (data.Length < 5 + recordLength)
        {
            return ClientHelloResult.NeedMore;
        }

        var record = ArrayPool<byte>.Shared.Rent(recordLength);
        try
        {
            data.Slice(5, recordLength).CopyTo(record);
            return ParseHandshake(record.AsSpan(0, recordLength), out serverName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    private static ClientHelloResult ParseHandshake(ReadOnlySpan<byte> r, out string? serverName)
    {
        serverName = null;
        // handshake type (1 = ClientHello), 24-bit length, legacy_version, random
        if (r.Length < 4 + 2 + 32 || r[0] != 1)
        {
            return ClientHelloResult.NotTls;
        }

        var pos = 4 + 2 + 32;
        if (!Skip(r, ref pos, 1) || !Skip(r, ref pos, 2) || !Skip(r, ref pos, 1))
        {
            // session id, cipher suites, compression methods; a ClientHello split over several records has no SNI we can read.
            return ClientHelloResult.Complete;
        }

        if (pos + 2 > r.Length)
        {
            return ClientHelloResult.Complete; // no extensions at all
        }

        var extensionsEnd = Math.Min(r.Length, pos + 2 + BinaryPrimitives.ReadUInt16BigEndian(r[pos..]));
        pos += 2;
        while (pos + 4 <= extensionsEnd)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(r[pos..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(r[(pos + 2)..]);
            pos += 4;
            if (pos + length > extensionsEnd)
            {
                break;
            }

            if (type == 0)
            {
                serverName = ReadServerName(r.Slice(pos, length));
                break;
            }

            pos += length;
        }

        return ClientHelloResult.Complete;
    }

    /// <summary>server_name_list: 2-byte list length, then (type 0 = host_name, 2-byte length, name).</summary>
    private static string? ReadServerName(ReadOnlySpan<byte> e)
    {
        if (e.Length < 5 || e[2] != 0)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(e[3..]);
        if (5 + length > e.Length || length == 0 || length > 255)
        {
            return null;
        }

        var name = e.Slice(5, length);
        foreach (var b in name)
        {
            // Host names are ASCII letters, digits, '-', '.' (and '_' seen in the wild); anything else is not a name we route.
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_'))
            {
                return null;
            }
        }

        return Encoding.ASCII.GetString(name).ToLowerInvariant();
    }

    private static bool Skip(ReadOnlySpan<byte> r, ref int pos, int lengthBytes)
    {
        if (pos + lengthBytes > r.Length)
        {
            return false;
        }

        var length = lengthBytes == 1 ? r[pos] : BinaryPrimitives.ReadUInt16BigEndian(r[pos..]);
        pos += lengthBytes + length;
        return pos <= r.Length;
    }
}
