using CloudIngress.Proxy.Tests.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudIngress.Soak;

/// <summary>
/// One soak: backends, <c>cloudingress serve</c> on a manifests directory, the client mix, and a
/// new generation of manifests every reload interval; then the verdict. Violations: a failure a
/// reload does not explain, an error log line (other than the invalid Ingress's own diagnostic),
/// an "Unhandled exception", memory or descriptors still growing after warm-up, serve gone.
/// </summary>
public static partial class SoakRun
{
    public static async Task<SoakReport> RunAsync(SoakOptions options, TextWriter output)
    {
        var report = new SoakReport();
        var directory = Directory.CreateTempSubdirectory("cloudingress-soak-").FullName;
        await using var backends = await SoakBackends.StartAsync();
        using var manifests = new SoakManifests(backends, options);
        var generation = 0;
        Write(directory, manifests.Render(generation));
        try
        {
            await using (var serve = await ServeProcess.StartAsync(directory))
            {
                output.WriteLine($"soak: serve pid {serve.Pid}, http {serve.HttpPort}, https {serve.HttpsPort}; {options.Duration.TotalSeconds:F0} s, manifests {directory}");
                using var stop = new CancellationTokenSource(options.Duration);
                var clients = new SoakClients(serve, TestPki.Ca, options, report).Start(stop.Token).ToList();
                var samples = SampleAsync(serve.Pid, options, stop.Token);
                using (var reloads = new PeriodicTimer(options.ReloadInterval))
                {
                    try
                    {
                        while (await reloads.WaitForNextTickAsync(stop.Token))
                        {
                            Write(directory, manifests.Render(++generation));
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // the run is over
                    }
                }

                await Task.WhenAll(clients);
                var (memory, fds) = await samples;
                report.Reloads = generation;
                report.Memory = ResourceTrend.Of(memory);
                report.FileDescriptors = ResourceTrend.Of(fds);
                if (serve.HasExited)
                {
                    report.Violation("serve", "exited during the soak");
                }

                Judge(report, serve);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        output.Write(report.Render(options.Duration));
        return report;
    }

    /// <summary>The whole file at once (write aside, then rename), so serve never reads half a generation.</summary>
    private static void Write(string directory, string yaml)
    {
        var staging = Path.Combine(directory, "soak.yaml.next");
        File.WriteAllText(staging, yaml);
        File.Move(staging, Path.Combine(directory, "soak.yaml"), overwrite: true);
    }

    private static void Judge(SoakReport report, ServeProcess serve)
    {
        foreach (var line in serve.Log)
        {
            var level = Level().Match(line) is { Success: true } m ? m.Groups["level"].Value : string.Empty;
            if (line.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase))
            {
                report.Violation("log", line);
            }
            else if (level is "fail" or "crit")
            {
                if (line.Contains(SoakManifests.BrokenName, StringComparison.Ordinal))
                {
                    report.ExplainedLogErrors++;
                }
                else
                {
                    report.Violation("log", line);
                }
            }
            else if (level == "warn")
            {
                report.LogWarnings++;
            }
        }

        if (report.Memory is { } memory && !memory.IsFlat(0.25, 16 * 1024))
        {
            report.Violation("memory", $"RSS grew after warm-up: {memory.Describe("MiB", 1.0 / 1024)}");
        }

        if (report.FileDescriptors is { } fds && !fds.IsFlat(0.2, 20))
        {
            report.Violation("descriptors", $"open descriptors grew after warm-up: {fds.Describe("fds", 1)}");
        }
    }

    /// <summary>RSS (KiB) and open descriptors of serve once a second after warm-up.</summary>
    private static async Task<(List<(double, double)> Memory, List<(double, double)> Fds)> SampleAsync(int pid, SoakOptions options, CancellationToken stop)
    {
        var memory = new List<(double, double)>();
        var fds = new List<(double, double)>();
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (clock.Elapsed < options.WarmUp)
                {
                    continue;
                }

                var status = await File.ReadAllLinesAsync($"/proc/{pid}/status", CancellationToken.None);
                var rss = status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
                memory.Add((clock.Elapsed.TotalSeconds, double.Parse(rss, CultureInfo.InvariantCulture)));
                fds.Add((clock.Elapsed.TotalSeconds, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the run is over, or serve is gone (reported on its own)
        }

        return (memory, fds);
    }

    [GeneratedRegex(@"\b(?<level>trce|dbug|info|warn|fail|crit):")]
    private static partial Regex Level();
}
