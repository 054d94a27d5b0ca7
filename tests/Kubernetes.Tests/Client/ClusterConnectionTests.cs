using k8s;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Client;

namespace CloudIngress.Kubernetes.Tests.Client;

/// <summary>Which configuration is chosen and what is refused; parsing and credentials are the package's.</summary>
public sealed class ClusterConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-connection-").FullName;

    [Fact]
    public void Kubeconfig_CurrentContext_OrTheOneAskedFor_WithItsNamespace()
    {
        var path = Write("config", """
            current-context: dev
            clusters: [{name: c1, cluster: {server: "https://api.example.com:6443"}}]
            users: [{name: u1, user: {token: secret-token}}]
            contexts: [{name: dev, context: {cluster: c1, user: u1, namespace: team-a}}, {name: other, context: {cluster: c1, user: u1}}]
            """);
        var connection = Load(new ConnectionOptions { KubeconfigPath = path });
        Assert.Equal("https://api.example.com:6443", connection.Configuration.Host.TrimEnd('/'));
        Assert.Equal("team-a", connection.Namespace);
        Assert.Contains(path, connection.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", connection.Source, StringComparison.Ordinal);
        Assert.Equal("default", Load(new ConnectionOptions { KubeconfigPath = path, Context = "other" }).Namespace);
    }

    [Fact]
    public void KubeconfigList_IsMerged_TheFirstDefinitionWins()
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
        var connection = Load(new ConnectionOptions(), new() { ["KUBECONFIG"] = $"{first}{Path.PathSeparator}/does/not/exist{Path.PathSeparator}{second}" });
        Assert.Contains("first.example.com", connection.Configuration.Host, StringComparison.Ordinal);
        Assert.Equal("t2", connection.Configuration.AccessToken);

        // A later file's tokenFile for a user the first already defined is not taken either.
        var third = Write("c", "users: [{name: me, user: {tokenFile: token}}]");
        var merged = Load(new ConnectionOptions(), new() { ["KUBECONFIG"] = $"{first}{Path.PathSeparator}{second}{Path.PathSeparator}{third}" });
        Assert.Null(merged.Configuration.TokenProvider);
        Assert.Equal("t2", merged.Configuration.AccessToken);
    }

    [Theory]
    [InlineData("clusters: [{name: c, cluster: {server: 'https://a'}}]", "no current-context is set")]
    [InlineData("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]", "insecure-skip-tls-verify, which is refused")]
    [InlineData("current-context: x", "CurrentContext: x not found")]
    public void Kubeconfig_Unusable_SaysWhy(string yaml, string message)
    {
        var path = Write("config", yaml);
        var e = Assert.Throws<KubernetesConfigException>(() => Load(new ConnectionOptions { KubeconfigPath = path }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Insecure_AllowedExplicitly_IsAccepted()
    {
        var path = Write("config", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]");
        Assert.True(Load(new ConnectionOptions { KubeconfigPath = path, AllowInsecure = true }).Configuration.SkipTlsVerify);
    }

    [Fact]
    public void MissingFile_OrNothingConfigured_SaysWhatToDo()
    {
        var missing = Path.Combine(_dir, "nope");
        Assert.Contains(missing, Assert.Throws<KubernetesConfigException>(() => Load(new ConnectionOptions { KubeconfigPath = missing })).Message, StringComparison.Ordinal);
        Assert.Contains("pass --kubeconfig, set KUBECONFIG, or run in a pod",
            Assert.Throws<KubernetesConfigException>(() => Load(new ConnectionOptions())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatingTokenFile_ReadsTheNewTokenOnceTheFileChanges()
    {
        var path = Write("token", "first\n");
        var token = new RotatingTokenFile(path);
        Assert.Equal("Bearer first", (await token.GetAuthenticationHeaderAsync(default)).ToString());
        Assert.Equal("Bearer first", (await token.GetAuthenticationHeaderAsync(default)).ToString());
        File.WriteAllText(path, "rotated");
        Assert.Equal("Bearer rotated", (await token.GetAuthenticationHeaderAsync(default)).ToString());
    }

    [Fact]
    public async Task KubeconfigTokenFile_RelativeToTheKubeconfig_IsSent_AndReadAgainWhenItChanges()
    {
        var security = new EmulatorSecurity("first-token", "rotated-token-2");
        await using var api = await KubernetesApiEmulator.StartAsync(security);
        Write("token", "first-token\n");
        var path = Write("config", api.Kubeconfig("{tokenFile: token}"));
        using var client = Load(new ConnectionOptions { KubeconfigPath = path }).CreateClient();

        await client.CoreV1.ListNamespacedServiceAsync("default");
        Assert.Equal("token:first-token", api.Identities.Last());
        Write("token", "rotated-token-2");
        await client.CoreV1.ListNamespacedServiceAsync("default");
        Assert.Equal("token:rotated-token-2", api.Identities.Last());
    }

    [Fact]
    public async Task KubeconfigTokenFile_WinsOverAToken_WhichServesOnlyWhileTheFileCannotBeRead()
    {
        var path = WriteWithUsers("[{name: u, user: {token: inline, tokenFile: sub/token}}]");
        var provider = Assert.IsType<RotatingTokenFile>(Load(new ConnectionOptions { KubeconfigPath = path }).Configuration.TokenProvider);
        Assert.Equal(Path.Combine(_dir, "sub", "token"), provider.Path);
        Assert.Equal("Bearer inline", (await provider.GetAuthenticationHeaderAsync(default)).ToString());
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        Write(Path.Combine("sub", "token"), "from-file");
        Assert.Equal("Bearer from-file", (await provider.GetAuthenticationHeaderAsync(default)).ToString());
        File.Delete(provider.Path);
        Assert.Equal("Bearer from-file", (await provider.GetAuthenticationHeaderAsync(default)).ToString());
    }

    [Fact]
    public void KubeconfigWithoutTokenFile_KeepsThePackagesCredentials()
    {
        var path = WriteWithUsers("[{name: u, user: {token: inline}}, {name: other, user: {tokenFile: elsewhere}}]");
        var configuration = Load(new ConnectionOptions { KubeconfigPath = path }).Configuration;
        Assert.Null(configuration.TokenProvider);
        Assert.Equal("inline", configuration.AccessToken);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>With only the given environment (so never in a pod) and the scratch directory as home.</summary>
    private ClusterConnection Load(ConnectionOptions options, Dictionary<string, string>? environment = null) =>
        ClusterConnection.Load(options, name => environment?.GetValueOrDefault(name), _dir);

    /// <summary>A kubeconfig whose current context is user u on one cluster, with these users.</summary>
    private string WriteWithUsers(string users) => Write("config", $"current-context: x\ncontexts: [{{name: x, context: {{cluster: c, user: u}}}}]\nclusters: [{{name: c, cluster: {{server: 'https://a.example'}}}}]\nusers: {users}");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
