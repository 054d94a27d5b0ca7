using System.Buffers;

namespace CloudIngress.Proxy.Engine;

/// <summary>What one step of chunked decoding produced.</summary>
internal enum ChunkStatus
{
    /// <summary>The input ended inside framing: read more and call again.</summary>
    NeedMore,

    /// <summary>Data bytes of a chunk (possibly fewer than the chunk holds).</summary>
    Data,

    /// <summary>The last chunk and the trailer section were read: the body is complete.</summary>
    Done,

    /// <summary>Not valid chunked framing: answer 400 and close.</summary>
    Invalid,
}

/// <summary>
/// Decodes the chunked transfer coding (RFC 9112 §7.1) incrementally from any split of the input:
/// <c>chunk-size [; ext] CRLF data CRLF</c> … <c>0 CRLF</c> trailers <c>CRLF</c>. Strict: hex sizes
/// only (no sign, prefix, or whitespace before them; at most 15 digits), extensions must be
/// tokens or quoted strings, every line ends in CRLF, and trailer fields are checked like header
/// fields. A mutable struct kept per connection: reset it for each body.
/// </summary>
internal struct ChunkedDecoder
{
    private const int MaxSizeDigits = 15;
    private const int MaxLine = 4096;

    private State _state;
    private long _remaining;
    private int _trailerBytes;

    public ChunkedDecoder(int maxTrailerBytes)
    {
        MaxTrailerBytes = maxTrailerBytes;
    }

    private enum State
    {
        Size,
        DataEnd,
        Trailer,
        Done,
    }

    public int MaxTrailerBytes { get; }

    public readonly bool IsDone => _state == State.Done;

    /// <summary>Why the framing was refused, for the log.</summary>
    public string? Error { get; private set; }

    public void Reset()
    {
        _state = State.Size;
        _remaining = 0;
        _trailerBytes = 0;
        Error = null;
    }

    /// <summary>Gives back the last <paramref name="count"/> data bytes <see cref="Read"/> returned (the caller had no room for them).</summary>
    public void Unread(long count)
    {
        _remaining += count;
        _state = State.Size;
    }

    /// <summary>
    /// One step: consumes framing from <paramref name="reader"/> and returns data bytes as they come
    /// (<see cref="ChunkStatus.Data"/>, with <paramref name="data"/> a slice of the input). Call until
    /// it returns another status; on <see cref="ChunkStatus.NeedMore"/> the reader stops where the
    /// unconsumed framing begins.
    /// </summary>
    public ChunkStatus Read(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> data)
    {
        data = default;
        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return ChunkStatus.Done;
                case State.Size when _remaining > 0:
                    if (reader.End)
                    {
                        return ChunkStatus.NeedMore;
                    }

                    var take = Math.Min(_remaining, reader.Remaining);
                    data = reader.UnreadSequence.Slice(0, take);
                    reader.Advance(take);
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                    }

                    return ChunkStatus.Data;
                case State.Size:
                    var sizeLine = TryReadLine(ref reader, out var line);
                    if (sizeLine != ChunkStatus.Data)
                    {
                        return sizeLine;
                    }

                    if (!TryParseSizeLine(line, out var size))
                    {
                        return Fail("invalid chunk size or extension");
                    }

                    if (size == 0)
                    {
                        _state = State.Trailer;
                    }
                    else
                    {
                        _remaining = size;
                    }

                    break;
                case State.DataEnd:
                    if (reader.Remaining < 2)
                    {
                        return ChunkStatus.NeedMore;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        return Fail("chunk data longer than its size");
                    }

                    _state = State.Size;
                    break;
                case State.Trailer:
                    var trailerLine = TryReadLine(ref reader, out var trailer);
                    if (trailerLine != ChunkStatus.Data)
                    {
                        return trailerLine;
                    }

                    if (trailer.IsEmpty)
                    {
                        _state = State.Done;
                        return ChunkStatus.Done;
                    }

                    _trailerBytes += (int)trailer.Length + 2;
                    if (_trailerBytes > MaxTrailerBytes || !IsTrailerField(trailer))
                    {
                        return Fail("invalid or oversized trailer");
                    }

                    break;
            }
        }
    }

    /// <summary>A CRLF-ended line, or NeedMore; a bare CR or LF, or an overlong line, is Invalid.</summary>
    private ChunkStatus TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        var start = reader;
        if (!reader.TryReadTo(out line, (byte)'\n', advancePastDelimiter: true))
        {
            reader = start;
            return reader.Remaining > MaxLine ? Fail("chunk line too long") : ChunkStatus.NeedMore;
        }

        if (line.Length > MaxLine)
        {
            return Fail("chunk line too long");
        }

        if (line.IsEmpty || !line.Slice(line.Length - 1).FirstSpan.SequenceEqual("\r"u8))
        {
            return Fail("chunk line not ended by CRLF");
        }

        line = line.Slice(0, line.Length - 1);
        return line.PositionOf((byte)'\r') is null ? ChunkStatus.Data : Fail("bare CR in chunk line");
    }

    private static bool TryParseSizeLine(in ReadOnlySequence<byte> sequence, out long size)
    {
        Span<byte> copy = stackalloc byte[MaxLine];
        var line = sequence.IsSingleSegment ? sequence.FirstSpan : Copy(sequence, copy);
        size = 0;
        var digits = 0;
        while (digits < line.Length && HttpSyntax.HexValue(line[digits]) is var value and >= 0)
        {
            if (++digits > MaxSizeDigits)
            {
                return false;
            }

            size = (size << 4) | (uint)value;
        }

        return digits > 0 && IsExtensions(line[digits..]);
    }

    /// <summary><c>*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )</c>.</summary>
    private static bool IsExtensions(ReadOnlySpan<byte> text)
    {
        while (true)
        {
            text = text.TrimStart(" \t"u8);
            if (text.IsEmpty)
            {
                return true;
            }

            if (text[0] != ';')
            {
                return false;
            }

            text = text[1..].TrimStart(" \t"u8);
            var name = TokenLength(text);
            if (name == 0)
            {
                return false;
            }

            text = text[name..].TrimStart(" \t"u8);
            if (text.IsEmpty || text[0] != '=')
            {
                continue;
            }

            text = text[1..].TrimStart(" \t"u8);
            var value = !text.IsEmpty && text[0] == '"' ? QuotedLength(text) : TokenLength(text);
            if (value == 0)
            {
                return false;
            }

            text = text[value..];
        }
    }

    private static int TokenLength(ReadOnlySpan<byte> text)
    {
        var length = 0;
        while (length < text.Length && HttpSyntax.IsToken(text.Slice(length, 1)))
        {
            length++;
        }

        return length;
    }

    /// <summary>Length of a quoted string at the start (quotes included), 0 when it is not one.</summary>
    private static int QuotedLength(ReadOnlySpan<byte> text)
    {
        for (var i = 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case (byte)'"':
                    return i + 1;
                case (byte)'\\':
                    if (++i == text.Length || !HttpSyntax.IsFieldValue(text.Slice(i, 1)))
                    {
                        return 0;
                    }

                    break;
                case var b when !HttpSyntax.IsFieldValue(text.Slice(i, 1)) || b == 0x7F:
                    return 0;
            }
        }

        return 0;
    }

    private static bool IsTrailerField(in ReadOnlySequence<byte> sequence)
    {
        Span<byte> copy = stackalloc byte[MaxLine];
        var line = sequence.IsSingleSegment ? sequence.FirstSpan : Copy(sequence, copy);
        var colon = line.IndexOf((byte)':');
        return colon > 0 && HttpSyntax.IsToken(line[..colon]) && HttpSyntax.IsFieldValue(HttpSyntax.TrimOws(line[(colon + 1)..]));
    }

    private static ReadOnlySpan<byte> Copy(in ReadOnlySequence<byte> sequence, Span<byte> into)
    {
        sequence.CopyTo(into);
        return into[..(int)sequence.Length];
    }

    private ChunkStatus Fail(string reason)
    {
        Error = reason;
        return ChunkStatus.Invalid;
    }
}
