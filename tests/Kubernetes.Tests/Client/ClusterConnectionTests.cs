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

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>With only the given environment (so never in a pod) and the scratch directory as home.</summary>
    private ClusterConnection Load(ConnectionOptions options, Dictionary<string, string>? environment = null) =>
        ClusterConnection.Load(options, name => environment?.GetValueOrDefault(name), _dir);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
