using CloudIngress.Controller.Demo;
using CloudIngress.Controller.Standalone;
using CloudIngress.Core.Build;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using System.Text.Json;

namespace CloudIngress.Controller.Tests.Standalone;

/// <summary><c>serve</c> follows its directory: edits are applied, broken documents keep the last good configuration.</summary>
public sealed class ServeTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-serve-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private WebApplication _blue = null!;
    private WebApplication _green = null!;
    private ProxyServer? _server;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _blue = await EchoBackend.StartAsync("blue", new IPEndPoint(IPAddress.Loopback, 0), null, CancellationToken.None);
        _green = await EchoBackend.StartAsync("green", new IPEndPoint(IPAddress.Loopback, 0), null, CancellationToken.None);
        File.WriteAllText(Path.Combine(_dir, "backends.yaml"), Backend("blue", _blue) + Backend("green", _green));
        File.WriteAllText(Path.Combine(_dir, "ingress.yaml"), Ingress("blue"));
        var started = new TaskCompletionSource<ProxyServer>();
        var options = new ProxyOptions { HttpPort = 0, HttpsPort = 0, AdminPort = 0 };
        var server = new StandaloneServer(_dir, options, BuildOptions.Default, NullLoggerFactory.Instance);
        _running = server.RunAsync(started.SetResult, _stop.Token);
        _server = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await _blue.DisposeAsync();
        await _green.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Edit_IsApplied_BrokenEdit_KeepsTheLastGoodConfiguration()
    {
        Assert.Equal("blue", await Backend());

        File.WriteAllText(Path.Combine(_dir, "ingress.yaml"), Ingress("green"));
        await Eventually.Until(async () => await Backend() == "green");

        File.WriteAllText(Path.Combine(_dir, "ingress.yaml"), "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: [broken");
        await Eventually.Until(async () => (await Metrics()).Contains("cloudingress_config_reloads_total{result=\"failure\"} 1", StringComparison.Ordinal));
        Assert.Equal("green", await Backend());

        File.WriteAllText(Path.Combine(_dir, "ingress.yaml"), Ingress("blue"));
        await Eventually.Until(async () => await Backend() == "blue");
    }

    [Fact]
    public async Task NewFile_IsPickedUp()
    {
        File.WriteAllText(Path.Combine(_dir, "second.yaml"), Ingress("green").Replace("name: app", "name: second", StringComparison.Ordinal)
            .Replace("app.example.com", "second.example.com", StringComparison.Ordinal));
        await Eventually.Until(async () => await Backend("second.example.com") == "green");
    }

    private async Task<string?> Backend(string host = "app.example.com")
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_server!.HttpPort}/");
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK
            ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("backend").GetString()
            : null;
    }

    private async Task<string> Metrics()
    {
        using var client = new HttpClient();
        return await client.GetStringAsync($"http://127.0.0.1:{_server!.AdminPort}/metrics");
    }


    private static string Backend(string name, WebApplication app) => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: {name}, namespace: default{"}"}
        spec: {"{"}ports: [{"{"}port: 80{"}"}]{"}"}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {"{"}name: {name}-1, namespace: default, labels: {"{"}kubernetes.io/service-name: {name}{"}"}{"}"}
        addressType: IPv4
        ports: [{"{"}port: {new Uri(app.Urls.First()).Port}{"}"}]
        endpoints: [{"{"}addresses: [127.0.0.1]{"}"}]
        ---

        """;

    private static string Ingress(string service) => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{"}name: app, namespace: default{"}"}
        spec:
          ingressClassName: cloudingress
          rules: [{"{"}host: app.example.com, http: {"{"}paths: [{"{"}path: /, pathType: Prefix, backend: {"{"}service: {"{"}name: {service}, port: {"{"}number: 80{"}"}{"}"}{"}"}{"}"}]{"}"}{"}"}]
        """;
}
