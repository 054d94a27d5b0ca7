using CloudIngress.Proxy.Engine;
using System.Buffers;
using System.Text;
using static CloudIngress.Proxy.Tests.Engine.Sequences;

namespace CloudIngress.Proxy.Tests.Engine;

public sealed class ChunkedDecoderTests
{
    /// <summary>Feeds the bytes in the pieces given, as a pipe would; returns the data and the final status.</summary>
    private static (string Data, ChunkStatus Status, int Unread) Decode(byte[] bytes, params int[] cuts)
    {
        var decoder = new ChunkedDecoder(maxTrailerBytes: 256);
        decoder.Reset();
        var data = new StringBuilder();
        var boundaries = cuts.Where(c => c > 0 && c < bytes.Length).Order().Append(bytes.Length).ToArray();
        var consumed = 0;
        foreach (var available in boundaries)
        {
            var reader = new SequenceReader<byte>(Split(bytes[consumed..available], 1));
            ChunkStatus status;
            while ((status = decoder.Read(ref reader, out var piece)) == ChunkStatus.Data)
            {
                data.Append(Encoding.Latin1.GetString(piece.ToArray()));
            }

            consumed += (int)reader.Consumed;
            if (status != ChunkStatus.NeedMore)
            {
                return (data.ToString(), status, bytes.Length - consumed);
            }
        }

        return (data.ToString(), ChunkStatus.NeedMore, bytes.Length - consumed);
    }

    [Fact]
    public void Read_ChunksExtensionsAndTrailers_GiveTheData()
    {
        var bytes = Latin1("5\r\nhello\r\n1;name=value;flag\r\n \r\nA ; q=\"a \\\" b\"\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT");
        var (data, status, unread) = Decode(bytes);
        Assert.Equal(ChunkStatus.Done, status);
        Assert.Equal("hello 0123456789", data);
        Assert.Equal(4, unread); // the next request is not the body's
    }

    [Fact]
    public void Read_AnySplitOfTheInput_GivesTheSameData()
    {
        var bytes = Latin1("3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\n");
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var (data, status, unread) = Decode(bytes, cut, cut + 5);
            Assert.Equal(ChunkStatus.Done, status);
            Assert.Equal("abc0123456789abcdef", data);
            Assert.Equal(0, unread);
        }
    }

    [Fact]
    public void Read_ByteByByte_GivesTheSameData()
    {
        var bytes = Latin1("4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n");
        var (data, status, _) = Decode(bytes, Enumerable.Range(1, bytes.Length).ToArray());
        Assert.Equal(ChunkStatus.Done, status);
        Assert.Equal("wikipedia", data);
    }

    [Fact]
    public void Read_Unfinished_NeedsMore()
    {
        Assert.Equal(ChunkStatus.NeedMore, Decode(Latin1("5\r\nhel")).Status);
        Assert.Equal(ChunkStatus.NeedMore, Decode(Latin1("5\r\nhello\r\n0\r\n")).Status);
    }

    [Theory]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("+5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("0x5\r\nhello\r\n0\r\n\r\n")]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("\r\nhello\r\n0\r\n\r\n")]
    [InlineData("g\r\nhello\r\n0\r\n\r\n")]
    [InlineData("1000000000000000\r\nhello\r\n0\r\n\r\n")] // 16 digits
    [InlineData("5\nhello\r\n0\r\n\r\n")]
    [InlineData("5\rhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhello\n0\r\n\r\n")]
    [InlineData("5\r\nhelloXX0\r\n\r\n")]
    [InlineData("3\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;=x\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=\"open\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a b\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 x\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=b\rc\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nno colon\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nX : y\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\n folded: y\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\n\r\n")]
    public void Read_InvalidFraming_IsRefused(string text)
    {
        var (_, status, _) = Decode(Latin1(text));
        Assert.Equal(ChunkStatus.Invalid, status);
    }

    [Fact]
    public void Read_OverlongSizeLine_IsRefusedWithoutWaitingForItsEnd()
    {
        Assert.Equal(ChunkStatus.Invalid, Decode(Latin1("5;" + new string('a', 5000))).Status);
    }

    [Fact]
    public void Read_TrailersOverTheLimit_AreRefused()
    {
        Assert.Equal(ChunkStatus.Invalid, Decode(Latin1("0\r\nX: " + new string('v', 300) + "\r\n\r\n")).Status);
    }
}
