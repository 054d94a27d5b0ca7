using System.Buffers;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>Byte sequences split where a test says, as a pipe may hand them over.</summary>
internal static class Sequences
{
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The bytes as one segment per piece.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var pieces = new List<byte[]>();
        var from = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            pieces.Add(bytes[from..cut]);
            from = cut;
        }

        pieces.Add(bytes[from..]);
        var first = new Segment(pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long index)
        {
            Memory = bytes;
            RunningIndex = index;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
