using CloudIngress.Kubernetes.Config;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Kubernetes.Tests.Config;

public sealed class KubernetesConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-kubeconfig-").FullName;

    internal static readonly X509Certificate2 Ca = TestCertificates.CreateCa();

    [Fact]
    public async Task Kubeconfig_TokenUser_CaData_ContextNamespace()
    {
        var path = Write("config", $"""
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
              - name: c1
                cluster: {"{"}server: "https://api.example.com:6443", certificate-authority-data: {B64(Ca.ExportCertificatePem())}{"}"}
            users:
              - name: u1
                user: {"{"}token: secret-token{"}"}
            contexts:
              - name: dev
                context: {"{"}cluster: c1, user: u1, namespace: team-a{"}"}
              - name: other
                context: {"{"}cluster: c1, user: u1{"}"}
            """);
        var connection = Load(new KubeConfigOptions { KubeconfigPath = path });
        Assert.Equal(new Uri("https://api.example.com:6443"), connection.Server);
        Assert.Equal("team-a", connection.Namespace);
        Assert.Equal("secret-token", await connection.Token!.GetTokenAsync(default));
        Assert.Equal(Ca.Thumbprint, Assert.Single(connection.CaCertificates!).Thumbprint);
        Assert.Contains("(context dev)", connection.Source, StringComparison.Ordinal);

        Assert.Equal("default", Load(new KubeConfigOptions { KubeconfigPath = path, Context = "other" }).Namespace);
    }

    [Fact]
    public void Kubeconfig_ClientCertificateFiles_RelativeToTheFile()
    {
        using var client = TestCertificates.Issue(Ca, "admin");
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        File.WriteAllText(Path.Combine(_dir, "pki", "ca.crt"), Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "pki", "admin.crt"), client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "pki", "admin.key"), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var path = Write("config", """
            current-context: admin
            clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443", certificate-authority: pki/ca.crt, tls-server-name: kubernetes}}]
            users: [{name: admin, user: {client-certificate: pki/admin.crt, client-key: pki/admin.key}}]
            contexts: [{name: admin, context: {cluster: c, user: admin}}]
            """);
        var connection = Load(new KubeConfigOptions { KubeconfigPath = path });
        Assert.Equal("CN=admin", connection.ClientCertificate!.Subject);
        Assert.True(connection.ClientCertificate.HasPrivateKey);
        Assert.Equal("kubernetes", connection.TlsServerName);
        Assert.Null(connection.Token);
    }

    [Fact]
    public async Task Kubeconfig_EnvironmentList_MergesFirstDefinitionWins()
    {
        var first = Write("a", """
            current-context: ctx
            contexts: [{name: ctx, context: {cluster: shared, user: me}}]
            clusters: [{name: shared, cluster: {server: "https://first.example.com"}}]
            """);
        var second = Write("b", """
            current-context: ignored
            clusters: [{name: shared, cluster: {server: "https://second.example.com"}}]
            users: [{name: me, user: {token: t2}}]
            """);
        var connection = Load(new KubeConfigOptions(), new() { ["KUBECONFIG"] = $"{first}{Path.PathSeparator}/does/not/exist{Path.PathSeparator}{second}" });
        Assert.Equal("first.example.com", connection.Server.Host);
        Assert.Equal("t2", await connection.Token!.GetTokenAsync(default));
        Assert.Null(connection.CaCertificates); // system roots
    }

    [Theory]
    [InlineData("clusters: [{name: c, cluster: {server: 'https://a'}}]", "no current-context is set")]
    [InlineData("current-context: x", "context \"x\" is not defined")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: nope, user: u}}]", "cluster \"nope\", which is not defined")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: nope}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]", "user \"nope\", which is not defined")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]", "has no server")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'ftp://a'}}]", "is not an http(s) URL")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]", "insecure-skip-tls-verify, which is refused")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {username: a, password: b}}]", "basic authentication")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]", "auth-provider plugins are not supported")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {}}]", "has no credentials")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {tokenFile: missing-token}}]", "tokenFile")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', certificate-authority-data: '!!!'}}]", "not valid base64")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', certificate-authority: nope.crt}}]", "nope.crt does not exist")]
    [InlineData("current-context: [broken", "is not valid YAML")]
    public void Kubeconfig_Unusable_NamesWhatIsMissing(string yaml, string message)
    {
        var path = Write("config", yaml);
        var e = Assert.Throws<KubernetesConfigException>(() => Load(new KubeConfigOptions { KubeconfigPath = path }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubeconfig_InsecureAllowedExplicitly_IsAccepted()
    {
        var path = Write("config", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]");
        Assert.True(Load(new KubeConfigOptions { KubeconfigPath = path, AllowInsecure = true }).InsecureSkipTlsVerify);
    }

    [Fact]
    public async Task InCluster_ReadsTheServiceAccount_AndRereadsARotatedToken()
    {
        var account = Directory.CreateDirectory(Path.Combine(_dir, "sa")).FullName;
        File.WriteAllText(Path.Combine(account, "token"), "first\n");
        File.WriteAllText(Path.Combine(account, "ca.crt"), Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(account, "namespace"), "cloudingress-system");
        var connection = KubernetesConfigLoader.Load(new KubeConfigOptions(),
            name => name switch { "KUBERNETES_SERVICE_HOST" => "10.96.0.1", "KUBERNETES_SERVICE_PORT" => "443", _ => null },
            account, _dir);
        Assert.Equal(new Uri("https://10.96.0.1:443"), connection.Server);
        Assert.Equal("cloudingress-system", connection.Namespace);
        Assert.Equal("first", await connection.Token!.GetTokenAsync(default));

        File.WriteAllText(Path.Combine(account, "token"), "rotated");
        File.SetLastWriteTimeUtc(Path.Combine(account, "token"), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("rotated", await connection.Token.GetTokenAsync(default));
    }

    [Fact]
    public void InCluster_MissingCa_SaysWhichFile()
    {
        var account = Directory.CreateDirectory(Path.Combine(_dir, "empty-sa")).FullName;
        var e = Assert.Throws<KubernetesConfigException>(() => KubernetesConfigLoader.InCluster("10.96.0.1", "443", account));
        Assert.Contains(Path.Combine(account, "ca.crt"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_Configured_SaysWhatToDo()
    {
        var e = Assert.Throws<KubernetesConfigException>(() => KubernetesConfigLoader.Load(new KubeConfigOptions(), _ => null, _dir, _dir));
        Assert.Contains("pass --kubeconfig, set KUBECONFIG, or run in a pod", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_PluginToken_IsUsedAndCached()
    {
        var script = Write("get-token.sh", """
            #!/bin/sh
            echo run >> "$(dirname "$0")/runs"
            echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-$CLUSTER\",\"expirationTimestamp\":\"2999-01-01T00:00:00Z\"}}"
            """);
        var path = Write("config", $"""
            current-context: x
            contexts: [{"{"}name: x, context: {"{"}cluster: c, user: u{"}"}{"}"}]
            clusters: [{"{"}name: c, cluster: {"{"}server: 'https://a'{"}"}{"}"}]
            users: [{"{"}name: u, user: {"{"}exec: {"{"}apiVersion: client.authentication.k8s.io/v1, command: sh, args: [{script}], env: [{"{"}name: CLUSTER, value: prod{"}"}]{"}"}{"}"}{"}"}]
            """);
        var connection = Load(new KubeConfigOptions { KubeconfigPath = path });
        Assert.Equal("exec-prod", await connection.Token!.GetTokenAsync(default));
        Assert.Equal("exec-prod", await connection.Token.GetTokenAsync(default));
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, "runs")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ClusterConnection Load(KubeConfigOptions options, Dictionary<string, string>? environment = null) =>
        KubernetesConfigLoader.Load(options, name => environment?.GetValueOrDefault(name), Path.Combine(_dir, "no-sa"), _dir);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
