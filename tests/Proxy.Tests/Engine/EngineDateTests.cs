using CloudIngress.Proxy.Engine;
using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

/// <summary>
/// RFC 9110 §6.6.1 on the engine: a response relayed without Date gets the engine's clock's,
/// a backend's own is passed unchanged, and the engine's own answers are dated too.
/// </summary>
public sealed class EngineDateTests
{
    private const string BackendDate = "Sun, 06 Nov 1994 08:49:37 GMT";

    [Fact]
    public void DateHeader_IsTheClocksSecond_AndRollsOverAtItsBoundary()
    {
        var clock = new TestClock(); // 2030-01-01T00:00:00Z, a Tuesday
        var date = new DateHeader(clock);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("Date: Tue, 01 Jan 2030 00:00:00 GMT\r\n", Encoding.ASCII.GetString(date.Now()));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("Date: Tue, 01 Jan 2030 00:00:01 GMT\r\n", Encoding.ASCII.GetString(date.Now()));

        clock.Advance(TimeSpan.FromDays(365) + TimeSpan.FromHours(13) + TimeSpan.FromSeconds(5.5));
        Assert.Equal("Date: Wed, 01 Jan 2031 13:00:06 GMT\r\n", Encoding.ASCII.GetString(date.Now()));
    }

    [Fact]
    public void DateHeader_WithinASecond_AllocatesNothing()
    {
        var clock = new TestClock();
        var date = new DateHeader(clock);
        _ = date.Now();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = date.Now();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task UndatedBackendResponse_GetsTheEnginesClockDate()
    {
        var clock = AtKnownInstant();
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(clock, backend.Port);

        var answer = await RawHttp.ExchangeAsync(proxy.Server.HttpPort, "GET / HTTP/1.1\r\nHost: date.example.com\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.Equal(["Sat, 02 Feb 2030 08:49:37 GMT"], Fields(answer, "Date"));
        Assert.EndsWith("\r\n\r\nok", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Date")]
    [InlineData("date")]
    public async Task BackendsOwnDate_IsPassedUnchanged_AndNotDoubled(string name)
    {
        var clock = AtKnownInstant();
        await using var backend = new RecordingBackend($"HTTP/1.1 200 OK\r\n{name}: {BackendDate}\r\nContent-Length: 2\r\n\r\nok");
        await using var proxy = await StartAsync(clock, backend.Port);

        var answer = await RawHttp.ExchangeAsync(proxy.Server.HttpPort, "GET / HTTP/1.1\r\nHost: date.example.com\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.Equal([BackendDate], Fields(answer, "Date"));
        Assert.Contains($"\r\n{name}: {BackendDate}\r\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeptAliveConnection_DatesEachResponseWithItsOwnSecond()
    {
        var clock = AtKnownInstant();
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(clock, backend.Port);
        using var socket = await RawHttp.ConnectAsync(proxy.Server.HttpPort);

        await socket.SendAsync("GET /one HTTP/1.1\r\nHost: date.example.com\r\n\r\n"u8.ToArray());
        var first = await ReadUntilAsync(socket, "\r\n\r\nok");
        clock.Advance(TimeSpan.FromSeconds(1));
        await socket.SendAsync("GET /two HTTP/1.1\r\nHost: date.example.com\r\nConnection: close\r\n\r\n"u8.ToArray());
        var second = await RawHttp.ReadToEndAsync(socket);

        Assert.Equal(["Sat, 02 Feb 2030 08:49:37 GMT"], Fields(first, "Date"));
        Assert.Equal(["Sat, 02 Feb 2030 08:49:38 GMT"], Fields(second, "Date"));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: nowhere.example.com\r\nConnection: close\r\n\r\n", "404")]
    [InlineData("GET / HTTP/1.1\r\nHost: date.example.com\r\nHost: other.example.com\r\n\r\n", "400")]
    [InlineData("POST / HTTP/1.1\r\nHost: date.example.com\r\nContent-Length: 2000\r\n\r\n", "413")]
    public async Task EnginesOwnAnswers_AreDated(string request, string status)
    {
        var clock = AtKnownInstant();
        await using var backend = new RecordingBackend();
        await using var proxy = await StartAsync(clock, backend.Port);

        var answer = await RawHttp.ExchangeAsync(proxy.Server.HttpPort, request);

        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Equal(["Sat, 02 Feb 2030 08:49:37 GMT"], Fields(answer, "Date"));
        Assert.Empty(backend.RequestLines);
    }

    /// <summary>The test clock moved to 2030-02-02T08:49:37.25Z: a fraction of a second in, so truncation shows.</summary>
    private static TestClock AtKnownInstant()
    {
        var clock = new TestClock();
        clock.Advance(new DateTimeOffset(2030, 2, 2, 8, 49, 37, 250, TimeSpan.Zero) - clock.GetUtcNow());
        return clock;
    }

    /// <summary>The engine on the test clock, date.example.com to the backend; bodies over 1 KiB are refused (a 413 to date).</summary>
    private static async Task<ProxyHarness> StartAsync(TestClock clock, int backendPort)
    {
        var proxy = await ProxyHarness.StartAsync(new ProxyOptions { Http1Engine = true, Time = clock, MaxRequestBodyBytes = 1024 });
        proxy.Apply(Manifests.Service("rec", backendPort) + Manifests.Ingress("rec", "date.example.com", "rec"));
        return proxy;
    }

    /// <summary>The values of every field called <paramref name="name"/> in the answer's head, in order.</summary>
    private static string[] Fields(string answer, string name) =>
        [.. answer[..answer.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n").Skip(1)
            .Select(f => f.Split(':', 2)).Where(f => f[0].Equals(name, StringComparison.OrdinalIgnoreCase)).Select(f => f[1].Trim())];

    private static async Task<string> ReadUntilAsync(Socket socket, string end)
    {
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang fails the test rather than the run
        while (!answer.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token);
            Assert.NotEqual(0, read);
            answer.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }
}
