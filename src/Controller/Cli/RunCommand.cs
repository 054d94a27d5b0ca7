using CloudIngress.Controller.Cluster;
using CloudIngress.Kubernetes.Api;
using CloudIngress.Kubernetes.Config;
using CloudIngress.Kubernetes.Leader;
using CloudIngress.Providers.Aws;
using CloudIngress.Providers.Aws.Clients;
using Microsoft.Extensions.Logging;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary><c>cloudingress run</c>: the in-cluster controller.</summary>
internal static partial class RunCommand
{
    /// <summary>Providers this build can drive; the cloud ones arrive with their provider projects.</summary>
    private static readonly string[] AvailableProviders = ["kestrel", "aws"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var kubeconfig = EnvOption.String("--kubeconfig", "kubeconfig file; otherwise KUBECONFIG, the pod's service account, then ~/.kube/config");
        var context = EnvOption.String("--context", "kubeconfig context to use instead of the current one");
        var allowInsecure = EnvOption.Bool("--allow-insecure", "Accept a kubeconfig cluster with insecure-skip-tls-verify (refused otherwise)");
        var provider = EnvOption.String("--provider", "Data plane: kestrel (this process's proxy serves the routes) or aws (ALB/NLB; the proxy still runs)", "kestrel");
        var ingressClass = EnvOption.String("--ingress-class", "IngressClass name served even when no IngressClass object names it", Core.Build.BuildOptions.DefaultIngressClassName);
        var watchNamespace = EnvOption.String("--watch-namespace", "Only watch this namespace (default: all)");
        var publishAddress = EnvOption.String("--publish-address", "Comma-separated IPs or hostnames written into Ingress status");
        var publishService = EnvOption.String("--publish-service", "namespace/name of the Service in front of the proxy; its address is written into Ingress status");
        var electionNamespace = EnvOption.String("--election-namespace", "Namespace of the leader Lease (default: the pod's namespace, else default)");
        var electionId = EnvOption.String("--election-id", "Name of the leader Lease", "cloudingress-leader");
        var noElection = EnvOption.Bool("--no-leader-election", "Run without a Lease: this replica always writes status (single replica only)");
        var logFormat = EnvOption.String("--log-format", "text or json (one JSON object per line)", "text");
        var flags = new ProxyFlags();
        var aws = new AwsFlags();
        var command = new Command("run", "Run the controller in a cluster: watch Ingresses, serve them, publish status")
        {
            kubeconfig, context, allowInsecure, provider, ingressClass, watchNamespace, publishAddress, publishService,
            electionNamespace, electionId, noElection, logFormat,
        };
        foreach (var option in flags.All.Concat(aws.All))
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

            if (!AvailableProviders.Contains(parse.GetValue(provider)))
            {
                return await Refuse($"--provider: \"{parse.GetValue(provider)}\" is not available in this build (available: {string.Join(", ", AvailableProviders)})");
            }

            if (parse.GetValue(logFormat) is not ("text" or "json"))
            {
                return await Refuse($"--log-format: \"{parse.GetValue(logFormat)}\" is neither text nor json");
            }

            if (parse.GetValue(publishService) is { } service && service.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
            {
                return await Refuse($"--publish-service: \"{service}\" is not namespace/name");
            }

            var (proxyOptions, problem) = flags.Read(parse, output);
            if (proxyOptions is null)
            {
                return await Refuse(problem!);
            }

            ClusterConnection connection;
            try
            {
                connection = KubernetesConfigLoader.Load(new KubeConfigOptions
                {
                    KubeconfigPath = parse.GetValue(kubeconfig),
                    Context = parse.GetValue(context),
                    AllowInsecure = parse.GetValue(allowInsecure),
                });
            }
            catch (KubernetesConfigException e)
            {
                return await Refuse(e.Message);
            }

            LeaderElectionOptions? election = null;
            if (!parse.GetValue(noElection))
            {
                var identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
                election = new LeaderElectionOptions(parse.GetValue(electionNamespace) ?? connection.Namespace, parse.GetValue(electionId)!, identity);
            }

            using var loggers = ConsoleLogging.Create(json: parse.GetValue(logFormat) == "json");
            AwsProvider? cloud = null;
            string? awsProblem = null;
            using var awsClients = parse.GetValue(provider) == "aws" ? CreateAws(aws, parse, loggers, out cloud, out awsProblem) : null;
            if (parse.GetValue(provider) == "aws" && cloud is null)
            {
                return await Refuse(awsProblem!);
            }

            using var client = KubernetesClient.Create(connection);
            var controller = new ClusterController(client, new ClusterControllerOptions
            {
                Build = ProxyFlags.BuildOptionsFor(parse.GetValue(ingressClass)!),
                Proxy = proxyOptions,
                WatchNamespace = parse.GetValue(watchNamespace),
                PublishAddresses = parse.GetValue(publishAddress)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                PublishService = parse.GetValue(publishService),
                Election = election,
                Cloud = cloud is null ? null : new AwsCloudApplier(cloud),
            }, loggers);
            try
            {
                await controller.RunAsync(null, cancellationToken);
            }
            catch (IOException e)
            {
                return await Refuse($"cannot listen: {e.Message}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static AwsClients? CreateAws(AwsFlags aws, ParseResult parse, ILoggerFactory loggers, out AwsProvider? provider, out string? problem)
    {
        var logger = loggers.CreateLogger("CloudIngress.Providers.Aws");
        var (options, settings, error) = aws.Read(parse, needsRegion: true, w => LogAwsWarning(logger, w));
        provider = null;
        problem = error;
        if (error is not null)
        {
            return null;
        }

        var clients = new AwsClients(settings!, AwsCredentialChain.Default());
        provider = new AwsProvider(clients, options!);
        return clients;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "aws: {Warning}")]
    private static partial void LogAwsWarning(ILogger logger, string warning);
}
