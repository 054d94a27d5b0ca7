using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace CloudIngress.Controller.Tests.Standalone;

/// <summary>
/// <c>cloudingress serve</c> as a separate process, so its own memory can be read: 100 MB down
/// and 100 MB up stream through it without the proxy's peak memory growing by more than a few MB;
/// SIGTERM drains and exits cleanly.
/// </summary>
public sealed partial class ServeProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Size = 100L * 1024 * 1024;
    private const long AllowedGrowth = 16L * 1024 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-process-").FullName;
    private WebApplication _backend = null!;
    private Process _proxy = null!;
    private int _httpPort;

    public async Task InitializeAsync()
    {
        _backend = await StartBackend();
        var port = new Uri(_backend.Urls.First()).Port;
        File.WriteAllText(Path.Combine(_dir, "app.yaml"), $"""
            apiVersion: v1
            kind: Service
            metadata: {"{"}name: big, namespace: default{"}"}
            spec: {"{"}ports: [{"{"}port: 80{"}"}]{"}"}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {"{"}name: big-1, namespace: default, labels: {"{"}kubernetes.io/service-name: big{"}"}{"}"}
            addressType: IPv4
            ports: [{"{"}port: {port}{"}"}]
            endpoints: [{"{"}addresses: [127.0.0.1]{"}"}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {"{"}name: big, namespace: default{"}"}
            spec:
              ingressClassName: cloudingress
              defaultBackend: {"{"}service: {"{"}name: big, port: {"{"}number: 80{"}"}{"}"}{"}"}
            """);

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "cloudingress.dll"), "serve", "--manifests", _dir,
            "--http-port", "0", "--https-port", "0", "--admin-port", "0", "--access-log", "off", "--max-request-body-size", "0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _proxy = Process.Start(start)!;
        while (await _proxy.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            output.WriteLine(line);
            if (Listening().Match(line) is { Success: true } match)
            {
                _httpPort = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                break;
            }
        }

        Assert.True(_httpPort > 0, "serve did not report its ports");
        _ = _proxy.StandardError.ReadToEndAsync();
        _ = _proxy.StandardOutput.ReadToEndAsync();
    }

    public async Task DisposeAsync()
    {
        if (!_proxy.HasExited)
        {
            _proxy.Kill();
        }

        await _backend.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Streaming100MB_BothWays_KeepsProxyMemoryFlat_AndSigtermExitsCleanly()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}"), Timeout = TimeSpan.FromMinutes(2) };
        for (var i = 0; i < 20; i++)
        {
            await Download(client, 4L * 1024 * 1024);
            await Upload(client, 4L * 1024 * 1024);
        }

        var before = Memory();
        await Download(client, Size);
        await Upload(client, Size);
        var after = Memory();
        output.WriteLine($"before: rss {before.Rss / 1024} KiB, peak {before.Peak / 1024} KiB; after: rss {after.Rss / 1024} KiB, peak {after.Peak / 1024} KiB");
        Assert.True(after.Peak - Math.Max(before.Peak, before.Rss) < AllowedGrowth,
            $"peak memory grew by {(after.Peak - before.Peak) / 1024} KiB while streaming 200 MB");

        Process.Start("kill", ["-TERM", _proxy.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await _proxy.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, _proxy.ExitCode);
    }

    private static async Task Download(HttpClient client, long size)
    {
        using var response = await client.GetAsync($"/bytes/{size}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var total = 0L;
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Assert.Equal(size, total);
    }

    private static async Task Upload(HttpClient client, long size)
    {
        using var response = await client.PostAsync("/upload", new ZeroContent(size));
        Assert.Equal(size.ToString(CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Resident and peak resident memory of the proxy process, from /proc.</summary>
    private (long Rss, long Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_proxy.Id}/status");
        long Value(string key) => long.Parse(status.Single(l => l.StartsWith(key, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return (Value("VmRSS:"), Value("VmHWM:"));
    }

    private static async Task<WebApplication> StartBackend()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            var buffer = new byte[64 * 1024];
            if (context.Request.Path.StartsWithSegments("/bytes", out var rest))
            {
                var size = long.Parse(rest.Value![1..], CultureInfo.InvariantCulture);
                context.Response.ContentLength = size;
                for (long sent = 0; sent < size; sent += buffer.Length)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - sent)));
                }

                return;
            }

            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            await context.Response.WriteAsync(total.ToString(CultureInfo.InvariantCulture));
        });
        await app.StartAsync();
        return app;
    }

    [GeneratedRegex(@"listening on [^:]+: http (\d+),")]
    private static partial Regex Listening();

    /// <summary>A body of zeros produced on the fly, so the test itself does not hold 100 MB either.</summary>
    private sealed class ZeroContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var zeros = new byte[64 * 1024];
            for (long sent = 0; sent < length; sent += zeros.Length)
            {
                await stream.WriteAsync(zeros.AsMemory(0, (int)Math.Min(zeros.Length, length - sent)));
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return true;
        }
    }
}
