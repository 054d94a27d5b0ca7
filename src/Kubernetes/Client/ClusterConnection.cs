using k8s;
using k8s.Authentication;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace CloudIngress.Kubernetes.Client;

/// <summary>What the command line says about reaching the cluster.</summary>
public sealed record ConnectionOptions
{
    /// <summary><c>--kubeconfig</c>; otherwise KUBECONFIG, in-cluster, then ~/.kube/config.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>A context other than the file's current-context.</summary>
    public string? Context { get; init; }

    /// <summary>Accept clusters that set insecure-skip-tls-verify (refused unless asked for).</summary>
    public bool AllowInsecure { get; init; }
}

/// <summary>The cluster configuration is unusable; the message names what is missing and where, never a credential.</summary>
public sealed class KubernetesConfigException(string message) : Exception(message);

/// <summary>How to reach the API server, resolved by the official client, and where that came from (for the log).</summary>
public sealed record ClusterConnection(KubernetesClientConfiguration Configuration, string Source)
{
    /// <summary>The namespace of the context (or of the pod), for namespaced defaults.</summary>
    public string Namespace => string.IsNullOrWhiteSpace(Configuration.Namespace) ? "default" : Configuration.Namespace.Trim();

    /// <summary>
    /// <c>--kubeconfig</c>, else <c>KUBECONFIG</c> (files merged, the first to define a name wins),
    /// else in-cluster (the pod's service account), else <c>~/.kube/config</c>. Parsing, contexts and
    /// every credential kind (token, client certificate, exec plugin, OIDC) are the package's.
    /// </summary>
    public static ClusterConnection Load(ConnectionOptions options, Func<string, string?>? environment = null, string? home = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        try
        {
            var (configuration, source) = Resolve(options, environment, home);
            if (configuration.SkipTlsVerify && !options.AllowInsecure)
            {
                throw new KubernetesConfigException(
                    $"{source}: the cluster sets insecure-skip-tls-verify, which is refused: the API server's identity would not be checked (pass --allow-insecure to accept it)");
            }

            return new ClusterConnection(configuration, source);
        }
        catch (KubeConfigException e)
        {
            throw new KubernetesConfigException(e.Message);
        }
    }

    /// <summary>The official client for this connection, trying refused and failed requests again where that is safe (<see cref="ApiRetry"/>).</summary>
    public IKubernetes CreateClient(Microsoft.Extensions.Logging.ILogger? logger = null, TimeProvider? time = null) =>
        new k8s.Kubernetes(Configuration, new ApiRetryHandler(time ?? TimeProvider.System, logger));

    private static (KubernetesClientConfiguration, string) Resolve(ConnectionOptions options, Func<string, string?> environment, string? home)
    {
        if (options.KubeconfigPath is { Length: > 0 } path)
        {
            return (FromFiles([path], options.Context), $"--kubeconfig {path}");
        }

        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList();
            return files.Count > 0
                ? (FromFiles(files, options.Context), $"KUBECONFIG {string.Join(", ", files)}")
                : throw new KubernetesConfigException($"KUBECONFIG names no existing file ({list})");
        }

        // The package reads the process's environment and the mounted service account; the
        // environment given here decides first, so a caller (or a test) can rule a pod out.
        if (environment("KUBERNETES_SERVICE_HOST") is { Length: > 0 } && KubernetesClientConfiguration.IsInCluster())
        {
            var inCluster = KubernetesClientConfiguration.InClusterConfig();
            // The package re-reads the projected token once a minute by the wall clock; this re-reads
            // it as soon as the kubelet rotates it (a stat per request).
            inCluster.TokenProvider = new RotatingTokenFile(ServiceAccountTokenPath);
            return (inCluster, "in-cluster service account");
        }

        var fallback = Path.Combine(home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(fallback)
            ? (FromFiles([fallback], options.Context), $"~/.kube/config")
            : throw new KubernetesConfigException(
                "no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run in a pod (KUBERNETES_SERVICE_HOST is not set)");
    }

    /// <summary>Where the kubelet mounts the service account's token in every pod.</summary>
    public const string ServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private static KubernetesClientConfiguration FromFiles(IReadOnlyList<string> files, string? context)
    {
        var missing = files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new KubernetesConfigException($"kubeconfig {missing} does not exist");
        }

        var merged = Merge([.. files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f)))]);
        if (context is null && string.IsNullOrEmpty(merged.CurrentContext))
        {
            throw new KubernetesConfigException($"kubeconfig {string.Join(", ", files)}: no current-context is set and no --context was given");
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context);
    }

    /// <summary>KUBECONFIG's rule: the first file to define a name (or a current-context) wins.</summary>
    private static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> configs)
    {
        var first = configs[0];
        foreach (var next in configs.Skip(1))
        {
            first.CurrentContext = string.IsNullOrEmpty(first.CurrentContext) ? next.CurrentContext : first.CurrentContext;
            first.Clusters = [.. first.Clusters ?? [], .. (next.Clusters ?? []).Where(c => first.Clusters?.All(k => k.Name != c.Name) ?? true)];
            first.Users = [.. first.Users ?? [], .. (next.Users ?? []).Where(u => first.Users?.All(k => k.Name != u.Name) ?? true)];
            first.Contexts = [.. first.Contexts ?? [], .. (next.Contexts ?? []).Where(c => first.Contexts?.All(k => k.Name != c.Name) ?? true)];
        }

        return first;
    }
}

/// <summary>
/// A token file read again whenever it changes: projected service-account tokens are rotated by
/// the kubelet, and the new one must be used from the next request on.
/// </summary>
public sealed class RotatingTokenFile(string path) : ITokenProvider
{
    private readonly Lock _lock = new();
    private (DateTime Written, long Length, string Token)? _cached;

    public Task<System.Net.Http.Headers.AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        lock (_lock)
        {
            if (_cached is not { } cached || cached.Written != file.LastWriteTimeUtc || cached.Length != file.Length)
            {
                var token = File.ReadAllText(path).Trim();
                cached = (file.LastWriteTimeUtc, file.Length, token);
                _cached = cached;
            }

            return Task.FromResult(new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cached.Token));
        }
    }
}
