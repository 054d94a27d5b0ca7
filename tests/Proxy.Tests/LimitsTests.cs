using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tests;

/// <summary>Header, request-line and connection limits, and the slowloris guard.</summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private TestBackend _web = null!;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        _web = await TestBackend.StartAsync("web");
        _proxy = await ProxyHarness.StartAsync(new ProxyOptions
        {
            RequestHeadersTimeout = TimeSpan.FromSeconds(1),
            MaxRequestHeadersTotalSize = 16 * 1024,
            MaxRequestHeaderCount = 50,
            MaxRequestLineSize = 4096,
            MaxConcurrentConnections = 3,
        });
        _proxy.Apply(Manifests.Service("web", _web.Port) + Manifests.Ingress("web", "limits.example.com", "web"));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _web.DisposeAsync();
    }

    [Fact]
    public async Task HeadersTooLarge_Is431()
    {
        var response = await RawHttp.SendAsync(_proxy.Server.HttpPort, $"GET / HTTP/1.1\nHost: limits.example.com\nX-Big: {new string('a', 20_000)}");
        Assert.StartsWith("HTTP/1.1 431", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyHeaders_Is431()
    {
        var headers = string.Concat(Enumerable.Range(0, 60).Select(i => $"\nX-H{i}: v"));
        var response = await RawHttp.SendAsync(_proxy.Server.HttpPort, $"GET / HTTP/1.1\nHost: limits.example.com{headers}");
        Assert.StartsWith("HTTP/1.1 431", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLineTooLong_Is414()
    {
        var response = await RawHttp.SendAsync(_proxy.Server.HttpPort, $"GET /{new string('a', 5000)} HTTP/1.1\nHost: limits.example.com");
        Assert.StartsWith("HTTP/1.1 414", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowHeaders_AreCutOff()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _proxy.Server.HttpPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: limits.example.com\r\n"));
        // ...and never finish the header block.
        var started = DateTime.UtcNow;
        var response = await new StreamReader(stream).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.True(response.Length == 0 || response.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), response);
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimit_AreRefused()
    {
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, _proxy.Server.HttpPort);
                held.Add(client);
            }

            await Eventually.Until(() => _proxy.Server.Metrics.OpenConnections == 3, what: "three connections accepted");
            var refused = await RawHttp.SendAsync(_proxy.Server.HttpPort, "GET / HTTP/1.1\nHost: limits.example.com").ContinueWith(t => t.IsFaulted ? string.Empty : t.Result);
            Assert.DoesNotContain("HTTP/1.1 200", refused, StringComparison.Ordinal);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }

        // Kestrel frees the slots as it notices the closes; then a new connection is served.
        var served = string.Empty;
        await Eventually.Until(async () =>
        {
            served = await RawHttp.SendAsync(_proxy.Server.HttpPort, "GET / HTTP/1.1\nHost: limits.example.com").ContinueWith(t => t.IsFaulted ? string.Empty : t.Result);
            return served.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }, what: "a connection served after the held ones closed");
        Assert.StartsWith("HTTP/1.1 200", served, StringComparison.Ordinal);
    }
}
