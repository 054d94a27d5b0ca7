using CloudIngress.Controller.Cli;
using CloudIngress.Emulators.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

// Control-plane latency and throughput of `cloudingress run --provider kestrel` against the
// emulated API server: (1) time from creating an Ingress to the first request it routes,
// (2) time until 1,000 Ingresses created at once all route and all show their status.
// Usage: dotnet run -c Release --project bench/CloudIngress.ControllerBench [-- INGRESSES [SAMPLES]]
//        dotnet run -c Release --project bench/CloudIngress.ControllerBench -- sync [RUNS]   (initial sync at scale)
if (args is ["sync", ..])
{
    return await CloudIngress.ControllerBench.SyncBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
}

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
var culture = CultureInfo.InvariantCulture;

await using var api = await KubernetesApiEmulator.StartAsync();
var dir = Directory.CreateTempSubdirectory("cloudingress-bench-").FullName;
var kubeconfig = Path.Combine(dir, "kubeconfig");
File.WriteAllText(kubeconfig, api.Kubeconfig());

var backendBuilder = WebApplication.CreateSlimBuilder();
backendBuilder.Logging.ClearProviders();
backendBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
await using var backend = backendBuilder.Build();
backend.Run(context => context.Response.WriteAsync("ok"));
await backend.StartAsync();
var backendPort = new Uri(backend.Urls.First()).Port;

using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });
await client.CoreV1.PatchNamespacedServiceAsync(Apply("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"ports":[{"name":"http","port":80}]}}"""),
    "web", "default", fieldManager: "bench", force: true);
await client.DiscoveryV1.PatchNamespacedEndpointSliceAsync(Apply($$$"""
    {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-1","namespace":"default","labels":{"kubernetes.io/service-name":"web"}},
     "addressType":"IPv4","endpoints":[{"addresses":["127.0.0.1"]}],"ports":[{"name":"http","port":{{{backendPort}}}}]}
    """), "web-1", "default", fieldManager: "bench", force: true);

var (http, https, admin) = (FreePort(), FreePort(), FreePort());
using var stop = new CancellationTokenSource();
var run = CloudIngressCli.RunAsync(
    ["run", $"--kubeconfig={kubeconfig}", "--no-leader-election", "--publish-address=192.0.2.1", "--access-log=off",
     $"--http-port={http}", $"--https-port={https}", $"--admin-port={admin}", "--shutdown-timeout=0"],
    TextWriter.Null, TextWriter.Null, stop.Token);
using var probe = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(5) };
while (true)
{
    try
    {
        if ((await probe.GetAsync($"http://127.0.0.1:{admin}/readyz")).IsSuccessStatusCode)
        {
            break;
        }
    }
    catch (HttpRequestException)
    {
    }

    await Task.Delay(20);
}

// (1) apply to first routed request, one Ingress at a time.
var latencies = new List<double>();
for (var i = 0; i < samples; i++)
{
    var host = $"single{i}.example";
    var watch = Stopwatch.StartNew();
    await ApplyIngress($"single{i}", host, CancellationToken.None);
    while (!await Routes(host))
    {
        await Task.Delay(2);
    }

    latencies.Add(watch.Elapsed.TotalMilliseconds);
}

latencies.Sort();
Console.WriteLine(string.Create(culture, $"apply-to-route ({samples} Ingresses, one at a time): p50 {latencies[latencies.Count / 2]:F0} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:F0} ms, max {latencies[^1]:F0} ms"));

// (2) many Ingresses created at once.
var burst = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
    await ApplyIngress($"bulk{i}", $"bulk{i}.example", ct));
var created = burst.Elapsed;
var pending = Enumerable.Range(0, count).ToHashSet();
while (pending.Count > 0)
{
    var routed = await Task.WhenAll(pending.Take(200).Select(async i => (i, ok: await Routes($"bulk{i}.example"))));
    pending.ExceptWith(routed.Where(r => r.ok).Select(r => r.i));
    if (pending.Count > 0)
    {
        await Task.Delay(10);
    }
}

var allRouted = burst.Elapsed;
while ((await client.NetworkingV1.ListNamespacedIngressAsync("default")).Items.Count(i => i.Status?.LoadBalancer?.Ingress is { Count: > 0 }) < count + samples)
{
    await Task.Delay(50);
}

var allStatus = burst.Elapsed;
Console.WriteLine(string.Create(culture, $"{count} Ingresses created at once: created in {created.TotalSeconds:F2} s, all routed after {allRouted.TotalSeconds:F2} s, all statuses written after {allStatus.TotalSeconds:F2} s"));
var metrics = await probe.GetStringAsync($"http://127.0.0.1:{admin}/metrics");
Console.WriteLine(string.Join(Environment.NewLine, metrics.Split('\n').Where(l => l.StartsWith("cloudingress_reconcile", StringComparison.Ordinal) || l.StartsWith("cloudingress_status_writes", StringComparison.Ordinal))));

await stop.CancelAsync();
await run;
Directory.Delete(dir, recursive: true);
return 0;

async Task<bool> Routes(string host)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{http}/");
    request.Headers.Host = host;
    using var response = await probe.SendAsync(request);
    return response.StatusCode == HttpStatusCode.OK;
}

Task ApplyIngress(string name, string host, CancellationToken cancellationToken) =>
    client.NetworkingV1.PatchNamespacedIngressAsync(Apply(Ingress(name, host).ToJsonString()), name, "default", fieldManager: "bench", force: true, cancellationToken: cancellationToken);

static V1Patch Apply(string json) => new(json, V1Patch.PatchType.ApplyPatch);

static JsonObject Ingress(string name, string host) => JsonNode.Parse("""
    {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"NAME","namespace":"default"},
     "spec":{"ingressClassName":"cloudingress","rules":[{"host":"HOST","http":{"paths":[{"path":"/","pathType":"Prefix",
       "backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}
    """.Replace("NAME", name, StringComparison.Ordinal).Replace("HOST", host, StringComparison.Ordinal))!.AsObject();

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
