using k8s;
using k8s.Authentication;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.RepresentationModel;

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

        // The package's kubeconfig model has no tokenFile (and refuses a user that has only that).
        // As the kubeconfig API says, the file is read again as it changes and its last good token
        // wins over a token given alongside it, which serves only until the file can be read.
        var userName = merged.Contexts?.FirstOrDefault(c => c.Name == (context ?? merged.CurrentContext))?.ContextDetails?.User;
        var user = merged.Users?.FirstOrDefault(u => u.Name == userName)?.UserCredentials;
        var tokenFile = user is null ? null : KubeconfigTokenFiles.Read(files).GetValueOrDefault(userName!);
        var inline = user?.Token;
        if (tokenFile is not null && string.IsNullOrEmpty(inline))
        {
            user!.Token = "token-file"; // only so that the package sees a credential; the provider below is what is sent
        }

        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context);
        if (tokenFile is not null && configuration.TokenProvider is null)
        {
            configuration.TokenProvider = new RotatingTokenFile(tokenFile, string.IsNullOrEmpty(inline) ? null : inline);
            configuration.AccessToken = inline;
        }

        return configuration;
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
/// the kubelet, and a kubeconfig's tokenFile by whatever issues it; the new one is used from the
/// next request on. While the file cannot be read, the last token read is used, or before any,
/// <paramref name="fallback"/> (a kubeconfig's token beside its tokenFile).
/// </summary>
public sealed class RotatingTokenFile(string path, string? fallback = null) : ITokenProvider
{
    private readonly Lock _lock = new();
    private (DateTime Written, long Length, string Token)? _cached;

    public string Path => path;

    public Task<System.Net.Http.Headers.AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            try
            {
                var file = new FileInfo(path);
                if (_cached is not { } cached || cached.Written != file.LastWriteTimeUtc || cached.Length != file.Length)
                {
                    _cached = (file.LastWriteTimeUtc, file.Length, File.ReadAllText(path).Trim());
                }
            }
            catch (IOException) when (_cached is not null || fallback is not null)
            {
            }
            catch (UnauthorizedAccessException) when (_cached is not null || fallback is not null)
            {
            }

            return Task.FromResult(new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _cached?.Token ?? fallback));
        }
    }
}

/// <summary>Each kubeconfig user's <c>user.tokenFile</c>, absolute (a relative one is relative to the file that says it); the first file to define a user wins, as in the merge.</summary>
internal static class KubeconfigTokenFiles
{
    public static Dictionary<string, string> Read(IReadOnlyList<string> files)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                yaml.Load(reader);
            }

            var users = yaml.Documents.Count == 0 ? null : Child(yaml.Documents[0].RootNode, "users") as YamlSequenceNode;
            foreach (var entry in users?.Children ?? [])
            {
                if (Scalar(Child(entry, "name")) is { } name && defined.Add(name)
                    && Scalar(Child(Child(entry, "user"), "tokenFile")) is { Length: > 0 } tokenFile)
                {
                    found[name] = System.IO.Path.GetFullPath(tokenFile, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!);
                }
            }
        }

        return found;
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;
}
