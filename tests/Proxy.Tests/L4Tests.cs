using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests;

/// <summary>
/// L4 frontends (Services of type LoadBalancer of our class): TCP spliced to the pool, source
/// ranges, PROXY protocol, listeners that follow reloads, and ports that cannot be served.
/// </summary>
public sealed class L4Tests : IAsyncLifetime
{
    private readonly LogCapture _log = new();
    private TcpEchoBackend _echo = null!;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        _echo = new TcpEchoBackend();
        _proxy = await ProxyHarness.StartAsync(loggers: _log.Factory());
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Fact]
    public async Task Tcp_ReachesTheBackendAndBack_AndIsCounted()
    {
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port));

        using var client = await ConnectAsync(port);
        Assert.Equal("hello", await RoundTripAsync(client, "hello"));
        Assert.Equal("again", await RoundTripAsync(client, "again"));

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(_proxy.AdminUrl("/metrics"));
        Assert.Contains($"cloudingress_l4_connections_total{{frontend=\"service/default/db\",port=\"{port}\"}} 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientHalfClose_StillGetsTheWholeAnswer()
    {
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port));

        // Like `printf request | nc`: send, shut the sending side, read the answer to the end.
        using var client = await ConnectAsync(port);
        await client.SendAsync(Encoding.ASCII.GetBytes("request"));
        client.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answer = new MemoryStream();
        var buffer = new byte[64];
        int n;
        while ((n = await client.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            answer.Write(buffer, 0, n);
        }

        Assert.Equal("request", Encoding.ASCII.GetString(answer.ToArray()));
    }

    [Fact]
    public async Task ClientHalfClose_BeforeTheBackendAccepts_StillGetsTheWholeAnswer()
    {
        // A backend whose accept queue is full: the proxy's connect to it stays pending (Linux drops
        // the SYN and retries it about a second later) while the client sends and half-closes. The
        // half-close must not cancel that connect: it is the end of the request, not an abort.
        using var backend = new Socket(SocketType.Stream, ProtocolType.Tcp);
        backend.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        backend.Listen(0);
        using var filler = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync((IPEndPoint)backend.LocalEndPoint!);
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, ((IPEndPoint)backend.LocalEndPoint!).Port));

        using var client = await ConnectAsync(port);
        await client.SendAsync(Encoding.ASCII.GetBytes("request"));
        client.Shutdown(SocketShutdown.Send);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using (await backend.AcceptAsync(timeout.Token))
        {
            // the filler: its place in the queue frees the proxy's retried connect
        }

        using var pod = await backend.AcceptAsync(timeout.Token);
        var received = new MemoryStream();
        var buffer = new byte[64];
        int n;
        while ((n = await pod.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        await pod.SendAsync(received.ToArray());
        pod.Shutdown(SocketShutdown.Send);
        var answer = new MemoryStream();
        while ((n = await client.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            answer.Write(buffer, 0, n);
        }

        Assert.Equal("request", Encoding.ASCII.GetString(answer.ToArray()));
    }

    [Fact]
    public async Task SourceRanges_RefuseBeforeAnyByteIsForwarded()
    {
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port, spec: "loadBalancerSourceRanges: [10.0.0.0/8]"));

        using var client = await ConnectAsync(port);
        Assert.True(await IsClosedAsync(client, "hello"));
        Assert.Equal(0, _echo.Accepted);
        Assert.Contains(_log.Lines, l => l.Contains("refused by its source ranges", StringComparison.Ordinal) && l.Contains("default/db", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SourceRanges_AdmitLoopback()
    {
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port, spec: "loadBalancerSourceRanges: [10.0.0.0/8, 127.0.0.0/8]"));

        using var client = await ConnectAsync(port);
        Assert.Equal("hello", await RoundTripAsync(client, "hello"));
    }

    [Fact]
    public async Task ProxyProtocolV2_HeaderArrivesFirst()
    {
        await using var pod = new TcpEchoBackend(proxyHeader: true);
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, pod.Port, annotations: "cloudingress.io/proxy-protocol: v2"));

        using var client = await ConnectAsync(port);
        Assert.Equal("hello", await RoundTripAsync(client, "hello"));
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, // signature
            0x21, 0x11, 0x00, 0x0C, // v2 PROXY, TCP over IPv4, 12 address bytes
            127, 0, 0, 1, 127, 0, 0, 1,
            (byte)(clientPort >> 8), (byte)clientPort, (byte)(port >> 8), (byte)port,
        ];
        Assert.Equal(expected, await pod.Header);
    }

    [Fact]
    public async Task ReloadKeepingThePort_KeepsTheConnectionInFlight()
    {
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port));
        using var inFlight = await ConnectAsync(port);
        Assert.Equal("before", await RoundTripAsync(inFlight, "before"));

        var otherPort = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port) + Manifests.L4Service("cache", otherPort, _echo.Port));

        Assert.Equal("after", await RoundTripAsync(inFlight, "after"));
        using var fresh = await ConnectAsync(port);
        Assert.Equal("fresh", await RoundTripAsync(fresh, "fresh"));
        Assert.Equal([.. new[] { port, otherPort }.Order()], _proxy.Server.L4Ports);
    }

    [Fact]
    public async Task ReloadRemovingTheService_ClosesTheListener_WhileTheConnectionFinishes()
    {
        var port = ListenPort.Get();
        _proxy.Apply(Manifests.L4Service("db", port, _echo.Port));
        using var inFlight = await ConnectAsync(port);
        Assert.Equal("before", await RoundTripAsync(inFlight, "before"));

        _proxy.Apply(Manifests.Service("unrelated", _echo.Port));

        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Empty(_proxy.Server.L4Ports);
        Assert.Equal("after", await RoundTripAsync(inFlight, "after"));
    }

    [Fact]
    public async Task PortInUse_IsReported_AndTheOtherListenersWork()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var free = ListenPort.Get();
        var model = Manifests.L4Service("blocked", taken, _echo.Port) + Manifests.L4Service("db", free, _echo.Port);
        _proxy.Apply(model);

        Assert.Contains(_log.Lines, l => l.StartsWith("Error:", StringComparison.Ordinal)
            && l.Contains("Service default/blocked port " + taken + "/TCP is not served", StringComparison.Ordinal));
        using (var client = await ConnectAsync(free))
        {
            Assert.Equal("hello", await RoundTripAsync(client, "hello"));
        }

        // Once the port is free, the next reload takes it.
        squatter.Stop();
        _proxy.Apply(model);
        using var late = await ConnectAsync(taken);
        Assert.Equal("late", await RoundTripAsync(late, "late"));
    }

    [Fact]
    public async Task PortOfTheProxyItself_IsRefused()
    {
        _proxy.Apply(Manifests.L4Service("clash", _proxy.Server.AdminPort, _echo.Port));

        Assert.Empty(_proxy.Server.L4Ports);
        Assert.Contains(_log.Lines, l => l.Contains($"Service default/clash port {_proxy.Server.AdminPort}/TCP is refused: it is the proxy's admin port", StringComparison.Ordinal));
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync(_proxy.AdminUrl("/healthz")));
    }

    [Fact]
    public void Udp_IsNotServed_AndSaidSoOnce()
    {
        var port = ListenPort.Get();
        var model = Manifests.L4Service("dns", port, _echo.Port, protocol: "UDP");
        _proxy.Apply(model);
        _proxy.Apply(model);

        Assert.Empty(_proxy.Server.L4Ports);
        Assert.Single(_log.Lines, l => l.Contains($"Service default/dns port {port}/UDP is not served: UDP is not served by the Kestrel data plane", StringComparison.Ordinal));
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang fails the test instead of stalling the run
        var sent = Encoding.ASCII.GetBytes(text);
        await socket.SendAsync(sent, timeout.Token);
        var received = new byte[sent.Length];
        var read = 0;
        while (read < received.Length)
        {
            var n = await socket.ReceiveAsync(received.AsMemory(read), timeout.Token);
            Assert.True(n > 0, $"the connection closed after {read} of {received.Length} bytes");
            read += n;
        }

        return Encoding.ASCII.GetString(received);
    }

    /// <summary>True when the proxy closes the connection (end of stream or reset) instead of answering.</summary>
    private static async Task<bool> IsClosedAsync(Socket socket, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(text), timeout.Token);
            return await socket.ReceiveAsync(new byte[16], timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
