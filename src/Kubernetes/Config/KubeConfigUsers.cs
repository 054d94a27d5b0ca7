using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Config;

/// <summary>The credentials of a kubeconfig user: a token, a token file, a client certificate, or an exec plugin.</summary>
internal static class KubeConfigUsers
{
    public static ClusterConnection Apply(ClusterConnection connection, JsonNode user, string directory, string where)
    {
        if (user["auth-provider"] is not null)
        {
            throw new KubernetesConfigException($"{where}: auth-provider plugins are not supported; use a token, a client certificate or exec");
        }

        if (KubernetesConfigLoader.Text(user, "username") is not null || KubernetesConfigLoader.Text(user, "password") is not null)
        {
            throw new KubernetesConfigException($"{where}: basic authentication (username/password) is not supported by Kubernetes any more; use a token or a client certificate");
        }

        ITokenSource? token = null;
        if (KubernetesConfigLoader.Text(user, "token") is { Length: > 0 } literal)
        {
            token = new StaticToken(literal);
        }
        else if (KubernetesConfigLoader.Text(user, "tokenFile") is { Length: > 0 } tokenFile)
        {
            var full = Path.IsPathRooted(tokenFile) ? tokenFile : Path.Combine(directory, tokenFile);
            token = File.Exists(full) ? new FileToken(full) : throw new KubernetesConfigException($"{where}: tokenFile {full} does not exist");
        }
        else if (user["exec"] is JsonObject exec)
        {
            token = Exec(exec, where);
        }

        var certificatePem = KubeConfigFiles.ReadDataOrFile(user, "client-certificate", directory, where);
        var keyPem = KubeConfigFiles.ReadDataOrFile(user, "client-key", directory, where);
        X509Certificate2? certificate = null;
        if (certificatePem is not null || keyPem is not null)
        {
            if (certificatePem is null || keyPem is null)
            {
                throw new KubernetesConfigException($"{where}: a client certificate needs both client-certificate and client-key");
            }

            try
            {
                using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
                certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            }
            catch (CryptographicException)
            {
                throw new KubernetesConfigException($"{where}: client-certificate and client-key are not a PEM certificate and its matching key");
            }
        }

        if (token is null && certificate is null)
        {
            throw new KubernetesConfigException($"{where}: has no credentials (token, tokenFile, client-certificate/client-key or exec)");
        }

        return new ClusterConnection
        {
            Server = connection.Server,
            CaCertificates = connection.CaCertificates,
            TlsServerName = connection.TlsServerName,
            InsecureSkipTlsVerify = connection.InsecureSkipTlsVerify,
            Namespace = connection.Namespace,
            Source = connection.Source,
            Token = token,
            ClientCertificate = certificate,
        };
    }

    private static ExecToken Exec(JsonObject exec, string where)
    {
        var command = KubernetesConfigLoader.Text(exec, "command") ?? throw new KubernetesConfigException($"{where}: exec has no command");
        var arguments = (exec["args"] as JsonArray)?.Select(a => a?.GetValue<string>() ?? string.Empty).ToList() ?? [];
        var environment = (exec["env"] as JsonArray)?.OfType<JsonObject>()
            .Where(e => KubernetesConfigLoader.Text(e, "name") is not null)
            .ToDictionary(e => KubernetesConfigLoader.Text(e, "name")!, e => KubernetesConfigLoader.Text(e, "value") ?? string.Empty)
            ?? [];
        var apiVersion = KubernetesConfigLoader.Text(exec, "apiVersion") ?? "client.authentication.k8s.io/v1";
        return new ExecToken(command, arguments, environment, apiVersion);
    }
}
