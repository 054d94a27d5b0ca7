using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Proxy.Tls;
using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace CloudIngress.Proxy.Tests;

/// <summary>The SNI peek: real ClientHellos parse, any bytes at all never crash or hang.</summary>
public sealed class ClientHelloTests
{
    [Theory]
    [InlineData("sni.example.com")]
    [InlineData("UPPER.Example.COM")]
    public async Task TryParse_RealClientHello_FindsTheServerName(string serverName)
    {
        var hello = await CaptureClientHello(serverName);
        Assert.Equal(ClientHelloResult.Complete, ClientHelloParser.TryParse(new ReadOnlySequence<byte>(hello), out var parsed));
        Assert.Equal(serverName.ToLowerInvariant(), parsed);
    }

    [Fact]
    public async Task TryParse_ClientHelloWithoutSni_IsCompleteWithoutName()
    {
        var hello = await CaptureClientHello(null);
        Assert.Equal(ClientHelloResult.Complete, ClientHelloParser.TryParse(new ReadOnlySequence<byte>(hello), out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public async Task TryParse_EveryTruncation_NeedsMore()
    {
        var hello = await CaptureClientHello("sni.example.com");
        var recordLength = 5 + ((hello[3] << 8) | hello[4]);
        for (var length = 0; length < recordLength; length++)
        {
            Assert.Equal(ClientHelloResult.NeedMore, ClientHelloParser.TryParse(new ReadOnlySequence<byte>(hello, 0, length), out _));
        }
    }

    [Fact]
    public void TryParse_PlainHttp_IsNotTls() =>
        Assert.Equal(ClientHelloResult.NotTls, ClientHelloParser.TryParse(new ReadOnlySequence<byte>("GET / HTTP/1.1\r\n"u8.ToArray()), out _));

    [Fact]
    public async Task TryParse_RandomAndMutatedInput_NeverThrows()
    {
        var random = new Random(1234);
        var hello = await CaptureClientHello("fuzz.example.com");
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 600)];
                random.NextBytes(input);
                if (input.Length > 2 && i % 4 == 0)
                {
                    input[0] = 0x16;
                    input[1] = 3;
                }
            }
            else
            {
                input = (byte[])hello.Clone();
                for (var flips = random.Next(1, 8); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            var result = ClientHelloParser.TryParse(new ReadOnlySequence<byte>(input), out var name);
            Assert.True(Enum.IsDefined(result));
            Assert.True(name is null || name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'));
        }
    }

    [Fact]
    public async Task HttpsPort_RandomBytes_NeverCrashOrHangTheListener()
    {
        await using var pod = new RawTlsBackend(TestPki.Backend, expectProxyHeader: false);
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { ClientHelloTimeout = TimeSpan.FromSeconds(1) });
        proxy.Apply(Manifests.Service("pod", "https", pod.Port)
            + Manifests.Ingress("pass", "secure.example.com", "pod", port: 443, annotations: "cloudingress.io/tls-mode: passthrough"));
        var random = new Random(42);
        var attacks = Enumerable.Range(0, 60).Select(async i =>
        {
            var bytes = new byte[random.Next(1, 3000)];
            random.NextBytes(bytes);
            if (i % 3 == 0)
            {
                bytes[0] = 0x16; // looks like a handshake record, then nonsense
            }

            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, proxy.Server.HttpsPort);
            var stream = client.GetStream();
            try
            {
                await stream.WriteAsync(bytes);
                // The proxy must end the connection on its own: TLS refuses it, or the peek times out.
                await stream.CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (IOException)
            {
                // reset by the proxy: fine
            }
        });
        await Task.WhenAll(attacks);

        using var http = proxy.Client();
        Assert.Equal("none", await http.GetStringAsync("https://secure.example.com/"));
    }

    /// <summary>What a real TLS client (.NET's SslStream) sends first, caught on a raw socket.</summary>
    private static async Task<byte[]> CaptureClientHello(string? serverName)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var tls = new SslStream(client.GetStream());
        _ = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName ?? string.Empty });
        var buffer = new byte[16_389];
        var total = 0;
        var stream = server.GetStream();
        while (total < 5 || total < 5 + ((buffer[3] << 8) | buffer[4]))
        {
            total += await stream.ReadAsync(buffer.AsMemory(total));
        }

        return buffer[..total];
    }
}
