using CloudIngress.Proxy.Engine;
using System.Buffers;
using System.Text;
using static CloudIngress.Proxy.Tests.Engine.Sequences;

namespace CloudIngress.Proxy.Tests.Engine;

public sealed class RequestHeadTests
{
    private static readonly HeadLimits Limits = new(MaxRequestLine: 64, MaxHeadersTotal: 256, MaxHeaderCount: 8);

    private static (HeadParse Result, RequestHead Head) Parse(string text, HeadLimits? limits = null)
    {
        var head = new RequestHead(limits ?? Limits);
        head.Reset();
        return (head.Parse(new ReadOnlySequence<byte>(Latin1(text))), head);
    }

    private static void AssertRefused(string text, int status)
    {
        var (result, head) = Parse(text);
        Assert.Equal(HeadParse.Invalid, result);
        Assert.Equal(status, head.ErrorStatus);
    }

    [Fact]
    public void Parse_CommonHead_GivesEveryPart()
    {
        var text = "GET /api/orders?id=7 HTTP/1.1\r\nHost: shop.test:8080\r\nAccept: */*\r\nX-Empty:\r\nUser-Agent:  curl/8 \r\n\r\nBODY";
        var (result, head) = Parse(text);
        Assert.Equal(HeadParse.Complete, result);
        Assert.Equal(text.IndexOf("BODY", StringComparison.Ordinal), head.Length);
        Assert.Equal("GET", Encoding.ASCII.GetString(head.Method));
        Assert.Equal("/api/orders?id=7", Encoding.ASCII.GetString(head.Target));
        Assert.Equal("/api/orders", Encoding.ASCII.GetString(head.Path));
        Assert.Equal("?id=7", Encoding.ASCII.GetString(head.Query));
        Assert.Equal("shop.test:8080", Encoding.ASCII.GetString(head.Host));
        Assert.Equal(4, head.HeaderCount);
        Assert.Equal("", Encoding.ASCII.GetString(head.Value(2)));
        Assert.True(head.TryGetValue("user-agent"u8, out var agent));
        Assert.Equal("curl/8", Encoding.ASCII.GetString(agent));
        Assert.True(head.Http11);
        Assert.True(head.KeepAlive);
        Assert.False(head.HasBody);
        Assert.Equal(-1, head.ContentLength);
    }

    [Fact]
    public void Parse_EverySplitOfTheInput_GivesTheSameHead()
    {
        var bytes = Latin1("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\nabc");
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var head = new RequestHead(Limits);
            head.Reset();
            Assert.Equal(HeadParse.Complete, head.Parse(Split(bytes, cut, cut + 3)));
            Assert.Equal(bytes.Length - 3, head.Length);
            Assert.Equal(3, head.ContentLength);
            Assert.True(head.IsUpgrade);
        }
    }

    [Fact]
    public void Parse_TrickledByteByByte_IsIncompleteUntilTheBlankLine()
    {
        var bytes = Latin1("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        var head = new RequestHead(Limits);
        head.Reset();
        for (var length = 1; length < bytes.Length; length++)
        {
            Assert.Equal(HeadParse.Incomplete, head.Parse(Split(bytes[..length], length / 2)));
        }

        Assert.Equal(HeadParse.Complete, head.Parse(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void Parse_ReusedInstance_ForgetsThePreviousRequest()
    {
        var head = new RequestHead(Limits);
        head.Reset();
        Assert.Equal(HeadParse.Complete, head.Parse(new ReadOnlySequence<byte>(Latin1("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"))));
        Assert.True(head.Chunked);
        head.Reset();
        Assert.Equal(HeadParse.Complete, head.Parse(new ReadOnlySequence<byte>(Latin1("GET /b HTTP/1.0\r\n\r\n"))));
        Assert.False(head.Chunked);
        Assert.False(head.KeepAlive);
        Assert.Equal(0, head.HeaderCount);
        Assert.Equal("/b", Encoding.ASCII.GetString(head.Path));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false)]
    public void Parse_KeepAlive_FollowsVersionAndConnection(string text, bool keepAlive)
    {
        var (result, head) = Parse(text);
        Assert.Equal(HeadParse.Complete, result);
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void Parse_AbsoluteForm_TakesTheHostFromTheTarget()
    {
        var (result, head) = Parse("GET http://Shop.Test:81/x/y?q HTTP/1.1\r\nHost: other\r\n\r\n");
        Assert.Equal(HeadParse.Complete, result);
        Assert.True(head.AbsoluteForm);
        Assert.Equal("Shop.Test:81", Encoding.ASCII.GetString(head.Host));
        Assert.Equal("/x/y?q", Encoding.ASCII.GetString(head.PathAndQuery));
        Assert.Equal("/x/y", Encoding.ASCII.GetString(head.Path));
    }

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 5)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 5)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 0)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  12 \r\n\r\n", 12)]
    public void Parse_ContentLength_AcceptsIdenticalRepeats(string text, long length)
    {
        var (result, head) = Parse(text);
        Assert.Equal(HeadParse.Complete, result);
        Assert.Equal(length, head.ContentLength);
    }

    [Theory]
    // framing two parsers could read differently
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")]
    // whitespace or folding where a field name or line start is
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 5\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\n Transfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nX: y\r\n chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nX: y\r\n\tfolded\r\n\r\n")]
    // bare CR and LF, control characters
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nX: y\rTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nX: y\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\rHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX\u0001: y\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n: y\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n")]
    // request line
    [InlineData("GET  / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1 \r\nHost: a\r\n\r\n")]
    [InlineData("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.2\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n")]
    [InlineData("GET / http/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET /\r\n\r\n")]
    [InlineData("G(T / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET /#frag HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET * HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET http://a HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    // Host
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a@b\r\n\r\n")]
    public void Parse_AmbiguousOrMalformed_Is400(string text) => AssertRefused(text, 400);

    [Fact]
    public void Parse_OtherExpectation_Is417() => AssertRefused("GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417);

    [Fact]
    public void Parse_ExpectContinue_IsNoted()
    {
        var (result, head) = Parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
        Assert.Equal(HeadParse.Complete, result);
        Assert.True(head.ExpectContinue);
    }

    [Fact]
    public void Parse_RequestLineOverTheLimit_Is414_EvenBeforeItEnds()
    {
        var target = "/" + new string('a', 70);
        AssertRefused($"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n", 414);
        AssertRefused($"GET {target}", 414);
    }

    [Fact]
    public void Parse_TooManyFields_Is431() =>
        AssertRefused("GET / HTTP/1.1\r\nHost: a\r\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"X-{i}: v\r\n")) + "\r\n", 431);

    [Fact]
    public void Parse_FieldsOverTheLimit_Is431_EvenBeforeTheyEnd()
    {
        var big = "X: " + new string('v', 300) + "\r\n";
        AssertRefused("GET / HTTP/1.1\r\nHost: a\r\n" + big + "\r\n", 431);
        AssertRefused("GET / HTTP/1.1\r\nHost: a\r\n" + big + big, 431);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\nHost: a\n\n")]
    [InlineData("GET / HTTP/1.1\nHost: a")]
    public void Parse_BareLineFeedsBeforeTheEnd_AreRefusedAtOnce(string text) => AssertRefused(text, 400);

    [Fact]
    public void Parse_FieldValuesMayHoldObsText()
    {
        var (result, head) = Parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: Andr\u00e9\r\n\r\n");
        Assert.Equal(HeadParse.Complete, result);
        Assert.True(head.TryGetValue("x-name"u8, out var value));
        Assert.Equal("Andr\u00e9", Encoding.Latin1.GetString(value));
    }

    [Fact]
    public void Parse_KeepAlivePath_AllocatesNothing()
    {
        var bytes = new ReadOnlySequence<byte>(Latin1("GET /api/orders?id=7 HTTP/1.1\r\nHost: shop.test\r\nAccept: */*\r\nUser-Agent: wrk\r\nConnection: keep-alive\r\n\r\n"));
        var head = new RequestHead(Limits);
        head.Reset();
        Assert.Equal(HeadParse.Complete, head.Parse(bytes));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            head.Reset();
            head.Parse(bytes);
            _ = head.TryGetValue("accept"u8, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
