using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudIngress.Soak;

/// <summary>
/// <c>cloudingress serve</c> as a child process on free loopback ports, its log lines collected.
/// A process of its own, so memory and descriptors measured are the proxy's alone.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<(int Http, int Https, int Admin)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Log { get; } = new();

    public int Pid => _process.Id;

    public int HttpPort { get; private set; }

    public int HttpsPort { get; private set; }

    public int AdminPort { get; private set; }

    public bool HasExited => _process.HasExited;

    public static async Task<ServeProcess> StartAsync(string manifests)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "cloudingress.dll"), "serve", "--manifests", manifests,
                     "--http-port", "0", "--https-port", "0", "--admin-port", "0", "--access-log", "off", "--shutdown-timeout", "10" })
        {
            start.ArgumentList.Add(arg);
        }

        var serve = new ServeProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        serve._process.ErrorDataReceived += (_, e) => serve.OnLine(e.Data);
        serve._process.OutputDataReceived += (_, e) => serve.OnLine(e.Data);
        serve._process.Exited += (_, _) => serve._listening.TrySetException(new InvalidOperationException("serve exited:\n" + string.Join("\n", serve.Log)));
        serve._process.Start();
        serve._process.BeginErrorReadLine();
        serve._process.BeginOutputReadLine();
        (serve.HttpPort, serve.HttpsPort, serve.AdminPort) = await serve._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return serve;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: serve drains and exits like it would in a pod.
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Log.Enqueue(line);
        if (Listening().Match(line) is { Success: true } m)
        {
            _listening.TrySetResult((Port(m, "http"), Port(m, "https"), Port(m, "admin")));
        }
    }

    private static int Port(Match m, string name) => int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"listening on [^:]+: http (?<http>\d+), https (?<https>\d+), admin (?<admin>\d+)")]
    private static partial Regex Listening();
}
