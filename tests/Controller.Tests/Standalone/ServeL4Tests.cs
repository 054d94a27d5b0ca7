using CloudIngress.Controller.Standalone;
using CloudIngress.Core.Build;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Controller.Tests.Standalone;

/// <summary><c>serve --manifests</c> listens on the ports of a LoadBalancer Service of class <c>cloudingress.io/lb</c> and follows its edits.</summary>
public sealed class ServeL4Tests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-serve-l4-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly TcpEchoBackend _echo = new();
    private readonly int _port = ListenPort.Get();
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_dir, "db.yaml"), $$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: default}
            spec:
              type: LoadBalancer
              loadBalancerClass: cloudingress.io/lb
              ports: [{name: pg, port: {{{_port}}}, targetPort: 5432}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            ports: [{name: pg, port: {{{_echo.Port}}}}]
            endpoints: [{addresses: [127.0.0.1]}]
            """);
        var started = new TaskCompletionSource<ProxyServer>();
        var server = new StandaloneServer(_dir, new ProxyOptions { HttpPort = 0, HttpsPort = 0, AdminPort = 0 }, BuildOptions.Default, NullLoggerFactory.Instance);
        _running = server.RunAsync(started.SetResult, _stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await _echo.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task LoadBalancerService_AcceptsTcpOnItsPort_UntilItIsRemoved()
    {
        // Served from the first pass: `started` comes after the first configuration is applied.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, _port);
            var stream = client.GetStream();
            await stream.WriteAsync("ping"u8.ToArray());
            var answer = new byte[4];
            await stream.ReadExactlyAsync(answer);
            Assert.Equal("ping", Encoding.ASCII.GetString(answer));
        }

        File.Delete(Path.Combine(_dir, "db.yaml"));
        await Eventually.Until(async () => !await AcceptsAsync(), what: "the port closed after the Service was removed");
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, _port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
