using CloudIngress.Kubernetes.Manifests;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Config;

/// <summary>
/// Resolves how to reach the API server: <c>--kubeconfig</c>, else <c>KUBECONFIG</c> (files merged,
/// the first to define a name wins), else in-cluster (service-account token, CA and namespace),
/// else <c>~/.kube/config</c>. Every refusal names what is missing and where.
/// </summary>
public static class KubernetesConfigLoader
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static ClusterConnection Load(KubeConfigOptions options, Func<string, string?>? environment = null,
        string serviceAccountDirectory = ServiceAccountDirectory, string? home = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (options.KubeconfigPath is { Length: > 0 } explicitPath)
        {
            return FromFiles([explicitPath], options, "--kubeconfig");
        }

        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList();
            return files.Count > 0
                ? FromFiles(files, options, "KUBECONFIG")
                : throw new KubernetesConfigException($"KUBECONFIG names no existing file ({list})");
        }

        if (environment("KUBERNETES_SERVICE_HOST") is { Length: > 0 } host)
        {
            return InCluster(host, environment("KUBERNETES_SERVICE_PORT"), serviceAccountDirectory);
        }

        var fallback = Path.Combine(home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(fallback)
            ? FromFiles([fallback], options, "~/.kube/config")
            : throw new KubernetesConfigException(
                "no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run in a pod (KUBERNETES_SERVICE_HOST is not set)");
    }

    public static ClusterConnection InCluster(string host, string? port, string directory)
    {
        string Need(string file)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path) ? path : throw new KubernetesConfigException($"in-cluster configuration needs {path}, which does not exist");
        }

        var authority = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        var ca = new X509Certificate2Collection();
        ca.ImportFromPem(File.ReadAllText(Need("ca.crt")));
        var namespaceFile = Path.Combine(directory, "namespace");
        return new ClusterConnection
        {
            Server = new Uri($"https://{authority}:{(string.IsNullOrEmpty(port) ? "443" : port)}"),
            CaCertificates = ca,
            Token = new FileToken(Need("token")),
            Namespace = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "default",
            Source = "in-cluster service account",
        };
    }

    private static ClusterConnection FromFiles(IReadOnlyList<string> files, KubeConfigOptions options, string origin)
    {
        var merged = KubeConfigFiles.Merge(files);
        var contextName = options.Context ?? merged.CurrentContext
            ?? throw new KubernetesConfigException($"{origin}: no current-context is set and no --context was given");
        var context = merged.Contexts.GetValueOrDefault(contextName).Node
            ?? throw new KubernetesConfigException($"{origin}: context \"{contextName}\" is not defined");
        var clusterName = Text(context, "cluster") ?? throw new KubernetesConfigException($"{origin}: context \"{contextName}\" names no cluster");
        var userName = Text(context, "user");
        var (cluster, clusterDir) = merged.Clusters.GetValueOrDefault(clusterName);
        if (cluster is null)
        {
            throw new KubernetesConfigException($"{origin}: context \"{contextName}\" refers to cluster \"{clusterName}\", which is not defined");
        }

        var server = Text(cluster, "server") ?? throw new KubernetesConfigException($"{origin}: cluster \"{clusterName}\" has no server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("https" or "http"))
        {
            throw new KubernetesConfigException($"{origin}: cluster \"{clusterName}\" server \"{server}\" is not an http(s) URL");
        }

        var insecure = cluster["insecure-skip-tls-verify"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        if (insecure && !options.AllowInsecure)
        {
            throw new KubernetesConfigException(
                $"{origin}: cluster \"{clusterName}\" sets insecure-skip-tls-verify, which is refused: the API server's identity would not be checked (pass --allow-insecure-kubeconfig to accept it)");
        }

        var connection = new ClusterConnection
        {
            Server = serverUri,
            CaCertificates = insecure ? null : LoadCa(cluster, clusterDir, $"{origin}: cluster \"{clusterName}\""),
            TlsServerName = Text(cluster, "tls-server-name"),
            InsecureSkipTlsVerify = insecure,
            Namespace = Text(context, "namespace") ?? "default",
            Source = $"{origin} {string.Join(", ", files)} (context {contextName})",
        };

        if (userName is null)
        {
            return connection;
        }

        var (user, userDir) = merged.Users.GetValueOrDefault(userName);
        if (user is null)
        {
            throw new KubernetesConfigException($"{origin}: context \"{contextName}\" refers to user \"{userName}\", which is not defined");
        }

        return KubeConfigUsers.Apply(connection, user, userDir, $"{origin}: user \"{userName}\"");
    }

    private static X509Certificate2Collection? LoadCa(JsonNode cluster, string directory, string where)
    {
        var pem = KubeConfigFiles.ReadDataOrFile(cluster, "certificate-authority", directory, where);
        if (pem is null)
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            collection.Clear();
        }

        return collection.Count > 0 ? collection : throw new KubernetesConfigException($"{where}: certificate-authority holds no PEM certificate");
    }

    internal static string? Text(JsonNode node, string key) => node[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    internal static string Decode(string base64, string where)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new KubernetesConfigException($"{where}: data is not valid base64");
        }
    }
}

/// <summary>Reading and merging kubeconfig files.</summary>
internal static class KubeConfigFiles
{
    public sealed class Merged
    {
        public string? CurrentContext { get; set; }

        public Dictionary<string, (JsonNode Node, string Directory)> Clusters { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (JsonNode Node, string Directory)> Users { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (JsonNode Node, string Directory)> Contexts { get; } = new(StringComparer.Ordinal);
    }

    public static Merged Merge(IReadOnlyList<string> files)
    {
        var merged = new Merged();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new KubernetesConfigException($"kubeconfig {file} does not exist");
            }

            JsonNode? root;
            try
            {
                root = YamlDocuments.ToJson(File.ReadAllText(file));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new KubernetesConfigException($"kubeconfig {file} is not valid YAML (line {e.Start.Line})");
            }

            if (root is not JsonObject config)
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            merged.CurrentContext ??= KubernetesConfigLoader.Text(config, "current-context") is { Length: > 0 } current ? current : null;
            Add(config, "clusters", "cluster", directory, merged.Clusters);
            Add(config, "users", "user", directory, merged.Users);
            Add(config, "contexts", "context", directory, merged.Contexts);
        }

        return merged;
    }

    /// <summary><c>X-data</c> (base64) or <c>X</c> (a path, relative to the kubeconfig's directory).</summary>
    public static string? ReadDataOrFile(JsonNode node, string key, string directory, string where)
    {
        if (KubernetesConfigLoader.Text(node, key + "-data") is { Length: > 0 } data)
        {
            return KubernetesConfigLoader.Decode(data, where + " " + key + "-data");
        }

        if (KubernetesConfigLoader.Text(node, key) is not { Length: > 0 } path)
        {
            return null;
        }

        var full = Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
        return File.Exists(full) ? File.ReadAllText(full) : throw new KubernetesConfigException($"{where}: {key} {full} does not exist");
    }

    private static void Add(JsonObject config, string list, string inner, string directory, Dictionary<string, (JsonNode, string)> into)
    {
        if (config[list] is not JsonArray entries)
        {
            return;
        }

        foreach (var entry in entries.OfType<JsonObject>())
        {
            if (KubernetesConfigLoader.Text(entry, "name") is { } name && entry[inner] is JsonObject body)
            {
                into.TryAdd(name, (body, directory));
            }
        }
    }
}
