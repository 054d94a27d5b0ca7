using CloudIngress.Controller.Cluster;
using CloudIngress.Core.Build;
using CloudIngress.Core.Providers;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Tests;
using k8s;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Proxy.Provider;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Net;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>An emulated API server, echo backends on 127.0.0.1, kubectl, and controller replicas in this process.</summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("cloudingress-e2e-").FullName;
    private readonly List<WebApplication> _backends = [];
    private readonly List<Replica> _replicas = [];
    private readonly ILoggerFactory _loggers;

    private readonly string? _controllerToken;

    private ClusterHarness(KubernetesApiEmulator api, ILoggerFactory loggers, EmulatorSecurity? security, string? controllerToken)
    {
        Api = api;
        _loggers = loggers;
        Security = security;
        _controllerToken = security is null ? null : controllerToken ?? TestToken;
        Client = TestKube.Client(api.Url, security?.Ca, security is null ? null : TestToken);
        Kubeconfig = Path.Combine(_dir, "kubeconfig");
        File.WriteAllText(Kubeconfig, api.Kubeconfig());
        ControllerKubeconfig = Path.Combine(_dir, "controller-kubeconfig");
        File.WriteAllText(ControllerKubeconfig, _controllerToken is null ? api.Kubeconfig() : api.Kubeconfig($"{{token: {_controllerToken}}}"));
    }

    /// <summary>The token the harness (and kubectl) authenticate with when the API server checks.</summary>
    public const string TestToken = "test-token";

    public KubernetesApiEmulator Api { get; }

    /// <summary>TLS and authentication of the API server, when it checks them.</summary>
    public EmulatorSecurity? Security { get; }

    /// <summary>A scratch directory removed with the harness.</summary>
    public string Directory => _dir;

    public IKubernetes Client { get; }

    public string Kubeconfig { get; }

    /// <summary>The kubeconfig of the controller's identity (the harness's own unless StartAsync was given a controller token).</summary>
    public string ControllerKubeconfig { get; }

    /// <summary>A port nothing listens on now (free to bind, or to prove a connection is refused).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The API server, checking <paramref name="security"/> when given; replicas then authenticate
    /// with <paramref name="controllerToken"/> (when given: a token of <paramref name="security"/>,
    /// e.g. one RBAC restricts), kubectl and <see cref="Client"/> with <see cref="TestToken"/>.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(ILoggerFactory loggers, EmulatorSecurity? security = null, string? controllerToken = null)
    {
        security?.Tokens.TryAdd(TestToken, true);
        return new(await KubernetesApiEmulator.StartAsync(security), loggers, security, controllerToken);
    }

    /// <summary>A backend answering every request with its name; returns its port.</summary>
    public async Task<int> StartBackendAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync($"{name} {context.Request.Path}"));
        await app.StartAsync();
        _backends.Add(app);
        return new Uri(app.Urls.First()).Port;
    }

    /// <summary>
    /// A controller replica with its own proxy; with election unless <paramref name="elect"/> is
    /// false. The provider is Kestrel's, or <paramref name="cloud"/> as it is, or
    /// <paramref name="definition"/> configured by the controller with <paramref name="flags"/>.
    /// </summary>
    public async Task<Replica> StartReplicaAsync(string identity, bool elect = true, IProvider? cloud = null,
        IProviderDefinition? definition = null, IReadOnlyDictionary<string, string>? flags = null)
    {
        var options = new ClusterControllerOptions
        {
            Build = BuildOptions.Default,
            Proxy = new ProxyOptions { BindAddress = "127.0.0.1", HttpPort = 0, HttpsPort = 0, AdminPort = 0, RequestTimeout = TimeSpan.FromSeconds(5), ShutdownTimeout = TimeSpan.Zero },
            PublishAddresses = ["192.0.2.10"],
            Provider = definition ?? (cloud is null ? new KestrelProviderDefinition() : new FixedProvider(cloud)),
            ProviderSettings = new ProviderSettings { Verb = ProviderVerb.Run, Values = new ProviderOptionValues(flags ?? new Dictionary<string, string>()) },
            Election = elect
                ? new LeaderElectionOptions("default", "cloudingress-leader", identity)
                {
                    LeaseDuration = TimeSpan.FromSeconds(2), RenewDeadline = TimeSpan.FromSeconds(1), RetryPeriod = TimeSpan.FromMilliseconds(200),
                }
                : null,
        };
        var client = TestKube.Client(Api.Url, Security?.Ca, _controllerToken);
        var controller = new ClusterController(client, options, _loggers);
        var started = new TaskCompletionSource<ProxyServer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = new CancellationTokenSource();
        var run = controller.RunAsync(s => started.TrySetResult(s), stop.Token);
        var server = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var replica = new Replica(controller, server, client, stop, run);
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>kubectl apply of YAML given on stdin, as a user would.</summary>
    public Task<string> ApplyAsync(string yaml) => KubectlAsync(yaml, "apply", "--validate=false", "-f", "-");

    public async Task<string> KubectlAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("kubectl", args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment["KUBECONFIG"] = Kubeconfig;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl could not be started");
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {await error}");
        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.StopAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        await Api.DisposeAsync();
        Client.Dispose();
        System.IO.Directory.Delete(_dir, recursive: true);
    }

}

/// <summary>A provider made by the test, configured as it is.</summary>
internal sealed class FixedProvider(IProvider provider) : IProviderDefinition
{
    public string Name => provider.Name;

    public string Summary => "a provider made by the test";

    public IReadOnlyList<ProviderOption> Options => [];

    public ProviderConfiguration Configure(ProviderSettings settings) => ProviderConfiguration.Ok(provider);
}

internal sealed class Replica(ClusterController controller, ProxyServer server, IKubernetes client, CancellationTokenSource stop, Task run)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
    private bool _stopped;

    public ClusterController Controller => controller;

    public ProxyServer Server => server;

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{server.HttpPort}{path}");
        request.Headers.Host = host;
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<string> AdminAsync(string path) => await _http.GetStringAsync($"http://127.0.0.1:{server.AdminPort}{path}");

    public async Task<HttpStatusCode> AdminStatusAsync(string path)
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{server.AdminPort}{path}");
        return response.StatusCode;
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await stop.CancelAsync();
        await run;
        client.Dispose();
        _http.Dispose();
    }
}
