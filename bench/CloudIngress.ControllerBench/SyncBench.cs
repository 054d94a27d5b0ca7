using CloudIngress.Emulators.Kubernetes;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace CloudIngress.ControllerBench;

/// <summary>
/// Initial sync at scale: the emulated API server holds 5,000 Ingresses (10 paths each, 10
/// groups, 50 namespaces), 2,000 Services and 2,000 EndpointSlices with 20,000 ready endpoints;
/// <c>cloudingress run</c> starts as its own process (so its working set is its own) and we time
/// process start → first applied model (its "configuration applied" log line), then read
/// its working set. The store is seeded directly, so no client is timed but the controller's.
/// </summary>
internal static class SyncBench
{
    public static async Task<int> RunAsync(int runs)
    {
        const int ingresses = 5_000, services = 2_000, endpointsPerService = 10, namespaces = 50;
        await using var api = await KubernetesApiEmulator.StartAsync();
        Seed(api.Store, ingresses, services, endpointsPerService, namespaces);
        var dir = Directory.CreateTempSubdirectory("cloudingress-syncbench-").FullName;
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        File.WriteAllText(kubeconfig, api.Kubeconfig());
        // SYNCBENCH_CONTROLLER: another build of cloudingress.dll (a ReadyToRun publish, as the image has).
        var controller = Environment.GetEnvironmentVariable("SYNCBENCH_CONTROLLER") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "cloudingress.dll");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cluster: {ingresses} Ingresses, {services} Services, {services * endpointsPerService} endpoints in {services} EndpointSlices, {namespaces} namespaces"));
        for (var run = 1; run <= runs; run++)
        {
            var (http, https, admin) = (FreePort(), FreePort(), FreePort());
            var start = new ProcessStartInfo("dotnet",
                [controller, "run", $"--kubeconfig={kubeconfig}", "--no-leader-election", "--access-log=off", "--log-format=json",
                 $"--http-port={http}", $"--https-port={https}", $"--admin-port={admin}", "--shutdown-timeout=0"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var variable in Environment.GetEnvironmentVariable("SYNCBENCH_ENV")?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? [])
            {
                start.Environment[variable[..variable.IndexOf('=', StringComparison.Ordinal)]] = variable[(variable.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }

            Console.WriteLine($"run {run}: controller started at {DateTime.UtcNow:HH:mm:ss.fff}");
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("the controller could not be started");
            // The controller's own log (stderr) says when the first model is in its proxy; read as it comes.
            var log = new System.Text.StringBuilder();
            var appliedAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            var syncedAt = TimeSpan.Zero;
            process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is not { } text)
                {
                    return;
                }

                lock (log)
                {
                    log.AppendLine(text);
                }

                if (text.Contains("caches synced", StringComparison.Ordinal))
                {
                    syncedAt = clock.Elapsed;
                }

                if (text.Contains("configuration applied", StringComparison.Ordinal))
                {
                    appliedAt.TrySetResult(clock.Elapsed);
                }
            };
            process.BeginErrorReadLine();
            var errors = process.StandardOutput.ReadToEndAsync();
            using var kill = new ProcessKiller(process);
            long peak = 0;
            while (!appliedAt.Task.IsCompleted)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the controller exited with {process.ExitCode}: {await errors} {log}");
                }

                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);

                await Task.WhenAny(appliedAt.Task, Task.Delay(20));
            }

            var applied = await appliedAt.Task;
            process.Refresh();
            var atApply = process.WorkingSet64;
            // CPU time spent by then, all threads: what a loaded machine stretches into the seconds above.
            var cpuAtApply = process.TotalProcessorTime;
            // Let the first passes settle (status queue, any second rebuild), then read it again.
            await Task.Delay(TimeSpan.FromSeconds(5));
            process.Refresh();
            var settled = process.WorkingSet64;
            peak = Math.Max(peak, Math.Max(atApply, settled));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: process start → caches synced {syncedAt.TotalSeconds:F2} s → first applied model {applied.TotalSeconds:F2} s ({cpuAtApply.TotalSeconds:F2} s CPU); working set at apply {atApply / 1048576.0:F0} MB, 5 s later {settled / 1048576.0:F0} MB, peak seen {peak / 1048576.0:F0} MB"));
            if (int.TryParse(Environment.GetEnvironmentVariable("SYNCBENCH_HOLD"), CultureInfo.InvariantCulture, out var hold))
            {
                Console.WriteLine($"holding the controller (pid {process.Id}) for {hold} s");
                await Task.Delay(TimeSpan.FromSeconds(hold)); // for a profiler to attach
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            // The controller's own account of its stages (proxy listening, caches listed, first model built and compiled), and any warning.
            foreach (var line in (log + await errors).Split('\n').Where(l => l.Contains("\"Warning\"", StringComparison.Ordinal) || l.Contains("\"Error\"", StringComparison.Ordinal)
                || l.Contains("listening on", StringComparison.Ordinal) || l.Contains("caches synced", StringComparison.Ordinal) || l.Contains("configuration applied", StringComparison.Ordinal)).Take(8))
            {
                var m = System.Text.RegularExpressions.Regex.Match(line, "\"Timestamp\":\"([^\"]*)\".*\"Message\":\"([^\"]*)\"");
                Console.WriteLine("  controller: " + (m.Success ? $"{m.Groups[1].Value} {m.Groups[2].Value}" : line.Trim()));
            }
        }

        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private static void Seed(ApiStore store, int ingresses, int services, int endpointsPerService, int namespaces)
    {
        var servicesResource = ApiResource.All.Single(r => r.Plural == "services");
        var slicesResource = ApiResource.All.Single(r => r.Plural == "endpointslices");
        var ingressesResource = ApiResource.All.Single(r => r.Plural == "ingresses");
        for (var n = 0; n < namespaces; n++)
        {
            store.EnsureNamespace($"ns{n}");
        }

        var perNamespace = services / namespaces;
        for (var s = 0; s < services; s++)
        {
            var (ns, name) = ($"ns{s % namespaces}", $"svc{s / namespaces}");
            store.Create(servicesResource, ns, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["spec"] = new JsonObject
                {
                    ["type"] = "ClusterIP",
                    ["clusterIP"] = $"10.96.{s / 250}.{s % 250}",
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP", ["targetPort"] = 8080 }),
                },
            });
            var endpoints = new JsonArray([.. Enumerable.Range(0, endpointsPerService).Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray($"10.{s / 250}.{s % 250}.{e + 1}"),
                ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
                ["nodeName"] = $"node{e % 5}",
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = $"{name}-{e}", ["uid"] = Guid.NewGuid().ToString() },
            })]);
            store.Create(slicesResource, ns, new JsonObject
            {
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["kind"] = "EndpointSlice",
                ["metadata"] = new JsonObject { ["name"] = $"{name}-1", ["namespace"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = name } },
                ["addressType"] = "IPv4",
                ["endpoints"] = endpoints,
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080, ["protocol"] = "TCP" }),
            });
        }

        for (var i = 0; i < ingresses; i++)
        {
            var ns = $"ns{i % namespaces}";
            var rules = new JsonArray([.. Enumerable.Range(0, 2).Select(r => (JsonNode)new JsonObject
            {
                ["host"] = $"h{i}-{r}.example.com",
                ["http"] = new JsonObject
                {
                    ["paths"] = new JsonArray([.. Enumerable.Range(0, 5).Select(p => (JsonNode)new JsonObject
                    {
                        ["path"] = p == 0 ? "/" : $"/p{p}",
                        ["pathType"] = p % 3 == 0 ? "Exact" : "Prefix",
                        ["backend"] = new JsonObject
                        {
                            ["service"] = new JsonObject { ["name"] = $"svc{((i / namespaces) + p) % perNamespace}", ["port"] = new JsonObject { ["number"] = 80 } },
                        },
                    })]),
                },
            })]);
            store.Create(ingressesResource, ns, new JsonObject
            {
                ["apiVersion"] = "networking.k8s.io/v1",
                ["kind"] = "Ingress",
                ["metadata"] = new JsonObject { ["name"] = $"ing{i}", ["namespace"] = ns, ["annotations"] = new JsonObject { ["cloudingress.io/group"] = $"g{i % 10}" } },
                ["spec"] = new JsonObject { ["ingressClassName"] = "cloudingress", ["rules"] = rules },
            });
        }
    }

    /// <summary>Ends the controller however the run ends, so a failed run leaves nothing behind.</summary>
    private sealed class ProcessKiller(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
