using CloudIngress.Controller.Cluster;
using CloudIngress.Controller.Standalone;
using CloudIngress.Core.Providers;
using CloudIngress.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>
/// <c>cloudingress run</c>: the controller. Against a cluster (the default) it watches the API,
/// serves traffic, and as leader applies the provider and publishes status; with
/// <c>--manifests DIR</c> the same loop runs from a directory, publishing to the log.
/// </summary>
internal static partial class RunCommand
{
    public static Command Create(IReadOnlyList<IProviderDefinition> providers, TextWriter output, TextWriter error)
    {
        var kubeconfig = EnvOption.String("--kubeconfig", "kubeconfig file; otherwise KUBECONFIG, the pod's service account, then ~/.kube/config");
        var context = EnvOption.String("--context", "kubeconfig context to use instead of the current one");
        var allowInsecure = EnvOption.Bool("--allow-insecure", "Accept a kubeconfig cluster with insecure-skip-tls-verify (refused otherwise)");
        var manifests = EnvOption.String("--manifests", "Run from this directory of manifests instead of a cluster (watched for changes; status goes to the log)");
        var ingressClass = EnvOption.String("--ingress-class", "IngressClass name served even when no IngressClass object names it", Core.Build.BuildOptions.DefaultIngressClassName);
        var watchNamespace = EnvOption.String("--watch-namespace", "Only watch this namespace (default: all)");
        var publishAddress = EnvOption.String("--publish-address", "Comma-separated IPs or hostnames written into Ingress status");
        var publishService = EnvOption.String("--publish-service", "namespace/name of the Service in front of the proxy; its address is written into Ingress status");
        var electionNamespace = EnvOption.String("--election-namespace", "Namespace of the leader Lease (default: the pod's namespace, else default)");
        var electionId = EnvOption.String("--election-id", "Name of the leader Lease", "cloudingress-leader");
        var noElection = EnvOption.Bool("--no-leader-election", "Run without a Lease: this replica always writes status (single replica only)");
        var resync = EnvOption.String("--resync-period", "Full reconcile this often even without changes, re-reading the cloud to repair drift (e.g. 10m, 90s, 1h)", "10m");
        var logFormat = EnvOption.String("--log-format", "text or json (one JSON object per line)", "text");
        var proxy = new ProxyFlags();
        var flags = new ProviderFlags(providers);
        var command = new Command("run", "Run the controller: watch Ingresses and Services, serve them, apply the provider, publish status")
        {
            kubeconfig, context, allowInsecure, manifests, ingressClass, watchNamespace, publishAddress, publishService,
            electionNamespace, electionId, noElection, resync, logFormat,
        };
        flags.AddTo(command);
        foreach (var option in proxy.All)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            async Task<int> Refuse(string message)
            {
                await error.WriteLineAsync($"cloudingress run: {message}");
                return ExitCodes.UnusableInput;
            }

            if (parse.GetValue(logFormat) is not ("text" or "json"))
            {
                return await Refuse($"--log-format: \"{parse.GetValue(logFormat)}\" is neither text nor json");
            }

            if (parse.GetValue(publishService) is { } service && service.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
            {
                return await Refuse($"--publish-service: \"{service}\" is not namespace/name");
            }

            if (!Durations.TryParse(parse.GetValue(resync)!, out var resyncPeriod) || resyncPeriod < TimeSpan.FromSeconds(10))
            {
                return await Refuse($"--resync-period: \"{parse.GetValue(resync)}\" is not a duration of 10s or more (like 90s, 10m, 1h)");
            }

            var (proxyOptions, problem) = proxy.Read(parse, output);
            if (proxyOptions is null)
            {
                return await Refuse(problem!);
            }

            using var loggers = ConsoleLogging.Create(json: parse.GetValue(logFormat) == "json");
            var providerLogger = loggers.CreateLogger("CloudIngress.Provider");
            var (definition, settings, providerProblem) = flags.Read(parse, ProviderVerb.Run, w => LogProviderWarning(providerLogger, w));
            // Configured once here only to refuse bad flags before anything starts; the controller configures it again with its proxy.
            var check = definition?.Configure(settings!);
            check?.Provider?.Dispose();
            if (definition is null || check?.Error is not null)
            {
                return await Refuse(providerProblem ?? check!.Error!);
            }

            var publish = parse.GetValue(publishAddress)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var build = ProxyFlags.BuildOptionsFor(parse.GetValue(ingressClass)!);
            try
            {
                if (parse.GetValue(manifests) is { } directory)
                {
                    if (!Directory.Exists(directory) && !File.Exists(directory))
                    {
                        return await Refuse($"manifests directory \"{directory}\" does not exist");
                    }

                    var server = new StandaloneServer(directory, proxyOptions, build, loggers)
                    {
                        Provider = definition,
                        ProviderSettings = settings! with { PublishAddresses = publish },
                        Resync = resyncPeriod,
                    };
                    await server.RunAsync(null, cancellationToken);
                    return ExitCodes.Ok;
                }

                return await RunInClusterAsync(parse, kubeconfig, context, allowInsecure, electionNamespace, electionId, noElection, loggers, new ClusterControllerOptions
                {
                    Build = build,
                    Proxy = proxyOptions,
                    WatchNamespace = parse.GetValue(watchNamespace),
                    PublishAddresses = publish,
                    PublishService = parse.GetValue(publishService),
                    Provider = definition,
                    ProviderSettings = settings!,
                    Resync = resyncPeriod,
                }, Refuse, cancellationToken);
            }
            catch (IOException e)
            {
                return await Refuse($"cannot listen: {e.Message}");
            }
        });
        return command;
    }

    private static async Task<int> RunInClusterAsync(ParseResult parse, Option<string> kubeconfig, Option<string> context, Option<bool> allowInsecure,
        Option<string> electionNamespace, Option<string> electionId, Option<bool> noElection, ILoggerFactory loggers, ClusterControllerOptions options,
        Func<string, Task<int>> refuse, CancellationToken cancellationToken)
    {
        ClusterConnection connection;
        try
        {
            connection = ClusterConnection.Load(new ConnectionOptions
            {
                KubeconfigPath = parse.GetValue(kubeconfig),
                Context = parse.GetValue(context),
                AllowInsecure = parse.GetValue(allowInsecure),
            });
        }
        catch (KubernetesConfigException e)
        {
            return await refuse(e.Message);
        }

        LeaderElectionOptions? election = null;
        if (!parse.GetValue(noElection))
        {
            var identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
            election = new LeaderElectionOptions(parse.GetValue(electionNamespace) ?? connection.Namespace, parse.GetValue(electionId)!, identity);
        }

        var kubernetesLogger = loggers.CreateLogger("CloudIngress.Kubernetes");
        LogConnecting(kubernetesLogger, connection.Configuration.Host, connection.Source);
        using var client = connection.CreateClient(kubernetesLogger);
        await new ClusterController(client, options with { Election = election }, loggers).RunAsync(null, cancellationToken);
        return ExitCodes.Ok;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API server {Server} from {Source}")]
    private static partial void LogConnecting(ILogger logger, string server, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "provider: {Warning}")]
    private static partial void LogProviderWarning(ILogger logger, string warning);
}
