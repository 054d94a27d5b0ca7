using CloudIngress.Controller.Cli;
using CloudIngress.Tests;
using System.Text.Json;

namespace CloudIngress.Controller.Tests.Cli;

/// <summary>
/// <c>cloudingress plan</c> as the README runs it. One class, so tests touching the process
/// environment never run in parallel with each other.
/// </summary>
public sealed class PlanCommandTests : IDisposable
{
    private static readonly string Examples = RepoPaths.Of("examples");
    private readonly string _scratch = Directory.CreateTempSubdirectory("cloudingress-plan-").FullName;

    [Fact]
    public async Task Plan_Examples_PrintsAReadableModelAndExitsZero()
    {
        var (code, output, error) = await Run("plan", "--manifests", Examples);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(error);
        Assert.Contains("Frontend ingress/default  (Http, internet-facing)", output, StringComparison.Ordinal);
        Assert.Contains("passthrough secure.example.com → default/secure:443/tcp", output, StringComparison.Ordinal);
        Assert.Contains("Frontend service/default/postgres  (L4, internet-facing)", output, StringComparison.Ordinal);
        // The quickstart's Ingresses (class cloudingress-demo) are not ours here, and plan says so.
        Assert.Contains("Diagnostics: 0 error(s), 0 warning(s), 5 info", output, StringComparison.Ordinal);
        Assert.Contains("info NotOurs: Ingress demo/shop spec.ingressClassName: names class \"cloudingress-demo\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_JsonOutput_IsTheModelWithoutSecrets()
    {
        var (code, output, _) = await Run("plan", "--manifests", Examples, "--output", "json");
        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("frontends").GetArrayLength());
        Assert.Equal(2, json.RootElement.GetProperty("certificates").GetArrayLength());
        Assert.DoesNotContain("PRIVATE KEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ObjectErrors_ExitOneAndNameObjectFieldAndSource()
    {
        File.WriteAllText(Path.Combine(_scratch, "bad.yaml"), """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: broken, namespace: shop}
            spec:
              ingressClassName: cloudingress
              rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: missing, port: {number: 80}}}}]}}]
            """);
        var (code, output, _) = await Run("plan", "--manifests", _scratch);
        Assert.Equal(ExitCodes.ObjectErrors, code);
        Assert.Contains(
            "error ServiceNotFound: Ingress shop/broken spec.rules[0].http.paths[0].backend.service: Service \"missing\" not found in namespace \"shop\"; requests get 503 (bad.yaml, document 1)",
            output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan", "--manifests", "/nonexistent/cloudingress")]
    [InlineData("plan", "--manifests", "{scratch}")]
    [InlineData("plan")]
    [InlineData("plan", "--manifests", "{scratch}", "--output", "xml")]
    [InlineData("plan", "--manifests", "{scratch}", "--bogus")]
    [InlineData("frobnicate")]
    public async Task Plan_UnusableInput_ExitsTwoWithAMessage(params string[] args)
    {
        var (code, _, error) = await Run(args.Select(a => a.Replace("{scratch}", _scratch, StringComparison.Ordinal)).ToArray());
        Assert.Equal(ExitCodes.UnusableInput, code);
        Assert.StartsWith("cloudingress", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ManifestsFromEnvironmentVariable()
    {
        Environment.SetEnvironmentVariable("CLOUDINGRESS_MANIFESTS", Examples);
        try
        {
            var (code, output, _) = await Run("plan");
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("Frontend ingress/marketplace", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLOUDINGRESS_MANIFESTS", null);
        }
    }

    [Fact]
    public async Task Help_ListsEveryFlagWithItsEnvironmentVariable()
    {
        var (code, output, _) = await Run("plan", "--help");
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var variable in new[] { "CLOUDINGRESS_MANIFESTS", "CLOUDINGRESS_OUTPUT", "CLOUDINGRESS_INGRESS_CLASS" })
        {
            Assert.Contains(variable, output, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CloudIngressCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
