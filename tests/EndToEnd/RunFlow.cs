using CloudIngress.Controller.Cli;
using CloudIngress.Tests;
using System.Net;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// One whole <c>cloudingress run</c>: ready, a Service, its EndpointSlice and an Ingress applied
/// with kubectl, traffic routed through the proxy to an echo backend, the address written into
/// the Ingress's status.
/// </summary>
internal static class RunFlow
{
    public const string PublishedAddress = "203.0.113.5";

    /// <summary>In this process, with <paramref name="connection"/> flags; then stopped, exiting 0.</summary>
    public static async Task ServesThenStopsAsync(ClusterHarness cluster, string[] connection)
    {
        var ports = Ports();
        using var stop = new CancellationTokenSource();
        var run = CloudIngressCli.RunAsync(["run", .. connection, .. Flags(ports)], TextWriter.Null, TextWriter.Null, stop.Token);
        await ServesAsync(cluster, ports);
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await run.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    public static (int Http, int Https, int Admin) Ports() => (ClusterHarness.FreePort(), ClusterHarness.FreePort(), ClusterHarness.FreePort());

    public static string[] Flags((int Http, int Https, int Admin) ports) =>
        ["--no-leader-election", $"--publish-address={PublishedAddress}", "--access-log=off",
         $"--http-port={ports.Http}", $"--https-port={ports.Https}", $"--admin-port={ports.Admin}", "--shutdown-timeout=1"];

    /// <summary>Waits for the controller on <paramref name="ports"/> to be ready, then proves it serves and publishes.</summary>
    public static async Task ServesAsync(ClusterHarness cluster, (int Http, int Https, int Admin) ports)
    {
        var backend = await cluster.StartBackendAsync("web");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Until(async () =>
        {
            try
            {
                return (await client.GetAsync($"http://127.0.0.1:{ports.Admin}/readyz")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "ready");

        await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {ports: [{name: http, port: 80}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-1
              namespace: default
              labels: {kubernetes.io/service-name: web}
            addressType: IPv4
            endpoints: [{addresses: ["127.0.0.1"]}]
            ports: [{name: http, port: {{backend}}}]
            """);
        await ServesIngressAsync(cluster, ports, "shop");
    }

    /// <summary>An Ingress applied now is routed and gets the published address in its status.</summary>
    public static async Task ServesIngressAsync(ClusterHarness cluster, (int Http, int Https, int Admin) ports, string name)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await cluster.ApplyAsync("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: NAME, namespace: default}
            spec:
              ingressClassName: cloudingress
              rules:
              - host: NAME.example
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            """.Replace("NAME", name, StringComparison.Ordinal));
        await Eventually.Until(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{ports.Http}/x");
            request.Headers.Host = $"{name}.example";
            return (await client.SendAsync(request)).StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15), $"{name} routed");
        await Eventually.Until(async () => (await cluster.KubectlAsync(null, "get", "ingress", name, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")) == PublishedAddress,
            TimeSpan.FromSeconds(15), $"{name} status");
    }
}
