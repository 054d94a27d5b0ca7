using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudIngress.AwsBench;

/// <summary>A <c>moto_server</c> of our own on a free loopback port, stopped (with its children) when disposed.</summary>
internal sealed class MotoServer(Process process, Uri url) : IAsyncDisposable
{
    public Uri Url => url;

    public static async Task<MotoServer> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var process = Process.Start(new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("moto_server did not start (is it on PATH?)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MotoServer(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                (await http.GetAsync(server.Url)).EnsureSuccessStatusCode();
                return server;
            }
            catch (HttpRequestException) when (attempt < 100 && !process.HasExited)
            {
                // Python takes a few seconds to import moto on a busy machine.
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
