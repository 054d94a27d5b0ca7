using CloudIngress.Controller.Demo;
using CloudIngress.Controller.Standalone;
using CloudIngress.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using System.CommandLine;
using System.Net;

namespace CloudIngress.Controller.Cli;

/// <summary>
/// <c>cloudingress demo</c>: echo backends on loopback, a fresh CA and certificates, and
/// <c>serve</c> on <c>examples/quickstart/</c>, with curl lines to paste.
/// </summary>
internal static class DemoCommand
{
    public const string DemoClass = "cloudingress-demo";
    private static readonly (string Name, int Port, bool Tls)[] Backends = [("blue", 18081, false), ("green", 18082, false), ("secure", 18443, true)];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var flags = new ProxyFlags();
        var command = new Command("demo", "Run the quickstart: echo backends, generated certificates, and the proxy serving examples/quickstart");
        foreach (var option in flags.All)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, problem) = flags.Read(parse, output);
            if (options is null)
            {
                await error.WriteLineAsync($"cloudingress demo: {problem}");
                return ExitCodes.UnusableInput;
            }

            return await RunAsync(options, output, error, null, cancellationToken);
        });
        return command;
    }

    /// <summary>Runs until cancelled; <paramref name="started"/> gets the site and the server once both are up.</summary>
    internal static async Task<int> RunAsync(Proxy.ProxyOptions options, TextWriter output, TextWriter error,
        Action<DemoSite, ProxyServer>? started, CancellationToken cancellationToken)
    {
        using var site = DemoSite.Create();
        var backends = new List<WebApplication>();
        try
        {
            foreach (var (name, port, tls) in Backends)
            {
                backends.Add(await EchoBackend.StartAsync(name, new IPEndPoint(IPAddress.Loopback, port), tls ? site.Certificates.Backend : null, cancellationToken));
            }

            using var loggers = ConsoleLogging.Create();
            var server = new StandaloneServer(site.Directory, options, ProxyFlags.BuildOptionsFor(DemoClass), loggers);
            await server.RunAsync(proxy =>
            {
                PrintInstructions(output, site, proxy);
                started?.Invoke(site, proxy);
            }, cancellationToken);
            return ExitCodes.Ok;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"cloudingress demo: cannot listen ({e.Message}); the demo backends use 127.0.0.1:18081, 18082 and 18443");
            return ExitCodes.UnusableInput;
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    private static void PrintInstructions(TextWriter output, DemoSite site, ProxyServer proxy)
    {
        var http = $"http://127.0.0.1:{proxy.HttpPort}";
        var ca = site.CaPath;
        string Https(string host) => $"--cacert {ca} --resolve {host}:{proxy.HttpsPort}:127.0.0.1 https://{host}:{proxy.HttpsPort}/";
        output.WriteLine($"""

            CloudIngress demo: serving examples/quickstart with certificates made for this run.
              HTTP {http}   HTTPS https://127.0.0.1:{proxy.HttpsPort}   metrics http://127.0.0.1:{proxy.AdminPort}/metrics
              manifests and CA: {site.Directory}

            Try:
              curl -H 'Host: shop.demo.test' {http}/              # host routing: the blue backend answers
              curl -H 'Host: shop.demo.test' {http}/api/orders    # path routing: green
              curl -i -H 'Host: app.demo.test' {http}/            # 308 redirect to https
              curl {Https("app.demo.test")}    # TLS offload
              curl {Https("bridge.demo.test")}    # bridge: re-encrypted to the backend, verified against the demo CA
              curl -v {Https("secure.demo.test")} 2>&1 | grep subject:    # passthrough: the backend's own certificate
              curl -u {DemoSite.User}:{DemoSite.Password} -H 'Host: admin.demo.test' {http}/   # basic auth (without -u: 401)

            Press Ctrl+C to stop.
            """);
        output.Flush();
    }
}
