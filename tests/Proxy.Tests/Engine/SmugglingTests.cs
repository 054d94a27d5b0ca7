using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>
/// Classic request-smuggling patterns sent raw through the HTTP/1.1 engine to a backend that
/// records every request it parses: the backend must never see a request the client did not
/// send, and an ambiguous request gets its 4xx and a closed connection.
/// </summary>
public sealed class SmugglingTests : IAsyncLifetime
{
    private const string Host = "s.example.com";
    private readonly RecordingBackend _backend = new();
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        _proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = true, MaxRequestLineSize = 1024, MaxRequestHeadersTotalSize = 4096 });
        _proxy.Apply(Manifests.Service("rec", _backend.Port) + Manifests.Ingress("rec", Host, "rec"));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
    }

    public static TheoryData<string, string> Refused => new()
    {
        // CL.TE and TE.CL: both framings at once
        { "CL.TE", "POST / HTTP/1.1\r\nHost: H\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.CL", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\nContent-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n" },
        // TE.TE: obfuscated Transfer-Encoding one parser honours and another does not
        { "TE.TE space before colon", "POST / HTTP/1.1\r\nHost: H\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE xchunked", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE two fields", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE chunked not last", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE tab folded", "POST / HTTP/1.1\r\nHost: H\r\nX: y\r\n\tTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE obs-fold", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE bare CR", "POST / HTTP/1.1\r\nHost: H\r\nX: y\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE.TE bare LF", "POST / HTTP/1.1\r\nHost: H\r\nX: y\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "TE in HTTP/1.0", "POST / HTTP/1.0\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        // CL.CL: two lengths
        { "CL.CL", "POST / HTTP/1.1\r\nHost: H\r\nContent-Length: 0\r\nContent-Length: 38\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "CL list", "POST / HTTP/1.1\r\nHost: H\r\nContent-Length: 0, 38\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "CL sign", "POST / HTTP/1.1\r\nHost: H\r\nContent-Length: +0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        // chunk-size tricks
        { "chunk size overflow", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "chunk size 0x", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\n0x0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "chunk size negative", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "chunk size bare LF", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "chunk extension bare CR", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\n2;a\rb\r\nxx\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "chunk data overrun", "POST / HTTP/1.1\r\nHost: H\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxxGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n0\r\n\r\n" },
        // request line and Host
        { "space in target", "GET /a HTTP/1.1 /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "two Hosts", "GET / HTTP/1.1\r\nHost: H\r\nHost: other.example.com\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
        { "no Host", "GET / HTTP/1.1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: H\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AmbiguousRequest_IsRefusedAndClosed_AndNothingReachesTheBackend(string pattern, string payload)
    {
        var status = await SendRawAsync(payload.Replace("Host: H", "Host: " + Host, StringComparison.Ordinal));
        Assert.True(status == 400, $"{pattern}: got {status}");
        await AssertBackendSawOnlyAsync(pattern);
    }

    [Fact]
    public async Task OverlongRequestLine_Is414AndClosed()
    {
        Assert.Equal(414, await SendRawAsync($"GET /{new string('a', 2000)} HTTP/1.1\r\nHost: {Host}\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: {Host}\r\n\r\n"));
        await AssertBackendSawOnlyAsync("414");
    }

    [Fact]
    public async Task OversizedHead_Is431AndClosed()
    {
        Assert.Equal(431, await SendRawAsync($"GET / HTTP/1.1\r\nHost: {Host}\r\nX: {new string('v', 5000)}\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: {Host}\r\n\r\n"));
        await AssertBackendSawOnlyAsync("431");
    }

    [Fact]
    public async Task BodyThatLooksLikeARequest_StaysABody()
    {
        // Content-Length alone, or chunked alone: the inner request is data, never a request.
        var inner = $"GET /smuggled HTTP/1.1\r\nHost: {Host}\r\n\r\n";
        var chunked = $"{inner.Length:X}\r\n{inner}\r\n0\r\n\r\n";
        var payload = $"POST /cl HTTP/1.1\r\nHost: {Host}\r\nContent-Length: {inner.Length}\r\n\r\n{inner}"
            + $"POST /te HTTP/1.1\r\nHost: {Host}\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}"
            + $"GET /last HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n";
        var answers = await RawHttp.ExchangeAsync(_proxy.Server.HttpPort, payload);
        Assert.Equal(3, CountOf(answers, "HTTP/1.1 200 OK"));
        await AssertBackendSawOnlyAsync("bodies", "POST /cl HTTP/1.1", "POST /te HTTP/1.1", "GET /last HTTP/1.1");
    }

    /// <summary>
    /// Sends a control request through the same backend and waits for it: anything the proxy had
    /// forwarded before would be recorded by then (it goes over the same kept-alive connection).
    /// </summary>
    private async Task AssertBackendSawOnlyAsync(string pattern, params string[] expected)
    {
        Assert.Equal(200, await SendRawAsync($"GET /control HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n"));
        await Eventually.Until(() => _backend.RequestLines.Contains("GET /control HTTP/1.1"), what: "the control request");
        Assert.True(expected.Append("GET /control HTTP/1.1").SequenceEqual(_backend.RequestLines),
            $"{pattern}: the backend saw {string.Join(" | ", _backend.RequestLines)}");
    }

    /// <summary>The status of the first answer; returning at all means the proxy closed the connection after it.</summary>
    private async Task<int> SendRawAsync(string payload)
    {
        var answer = await RawHttp.ExchangeAsync(_proxy.Server.HttpPort, payload);
        return answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(answer.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
