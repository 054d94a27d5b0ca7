using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net;
using System.Net.Sockets;

namespace CloudIngress.Proxy.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_DrainsInFlightRequests_ReportsNotReady_RefusesNewConnections()
    {
        await using var web = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync(new ProxyOptions { ShutdownTimeout = TimeSpan.FromSeconds(10) });
        proxy.Apply(Manifests.Service("web", web.Port) + Manifests.Ingress("web", "app.example.com", "web"));
        using var client = proxy.Client();
        using var admin = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(proxy.AdminUrl("/readyz"))).StatusCode);

        var inFlight = client.GetAsync("http://app.example.com/delay/2000");
        await Eventually.Until(() => Task.FromResult(web.InFlight == 1));
        var stopping = proxy.Server.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync(proxy.AdminUrl("/readyz"))).StatusCode);
        await Eventually.Until(async () =>
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, proxy.Server.HttpPort);
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        });
        Assert.False(inFlight.IsCompleted);

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stopping;
    }

}
