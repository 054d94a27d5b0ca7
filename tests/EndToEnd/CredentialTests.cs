using CloudIngress.Emulators.Kubernetes;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using System.Diagnostics;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// <c>cloudingress run</c> against an API server that checks TLS and credentials, with each way a
/// cluster hands them out: a kubeconfig token, client certificates, an exec plugin, and the
/// service account of a pod whose token is rotated while it runs.
/// </summary>
public sealed class CredentialTests : IAsyncLifetime
{
    private readonly EmulatorSecurity _security = new();
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(NullLoggerFactory.Instance, _security);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Run_WithAKubeconfigToken_IsAdmittedAsThatToken()
    {
        _security.Tokens["controller-token"] = true;
        await RunFlow.ServesThenStopsAsync(_cluster, [$"--kubeconfig={Kubeconfig("{token: controller-token}")}"]);
        Assert.Contains("token:controller-token", _cluster.Api.Identities);
    }

    [Fact]
    public async Task Run_WithClientCertificates_IsAdmittedAsTheCertificatesSubject()
    {
        using var certificate = _security.IssueClientCertificate("cloudingress-controller");
        File.WriteAllText(Path.Combine(_cluster.Directory, "client.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_cluster.Directory, "client.key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        // Relative paths: resolved against the kubeconfig's own directory, as kubectl does.
        await RunFlow.ServesThenStopsAsync(_cluster, [$"--kubeconfig={Kubeconfig("{client-certificate: client.crt, client-key: client.key}")}"]);
        Assert.Contains("cert:CN=cloudingress-controller", _cluster.Api.Identities);
    }

    [Fact]
    public async Task Run_WithAnExecPlugin_UsesTheTokenThePluginPrints()
    {
        _security.Tokens["exec-token"] = true;
        var script = Path.Combine(_cluster.Directory, "get-token.sh");
        File.WriteAllText(script, """
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token","expirationTimestamp":"2999-01-01T00:00:00Z"}}'
            """);
        await RunFlow.ServesThenStopsAsync(_cluster,
            [$"--kubeconfig={Kubeconfig($"{{exec: {{apiVersion: client.authentication.k8s.io/v1, command: sh, args: [{script}], interactiveMode: Never}}}}")}"]);
        Assert.Contains("token:exec-token", _cluster.Api.Identities);
    }

    [Fact]
    public async Task Run_InAPod_UsesTheServiceAccount_AndARotatedTokenFromTheNextRequestOn()
    {
        // The pod's view: KUBERNETES_SERVICE_HOST/PORT and the service account mounted at its
        // fixed path, which a mount namespace of its own gives the controller process.
        var account = Directory.CreateDirectory(Path.Combine(_cluster.Directory, "serviceaccount")).FullName;
        File.WriteAllText(Path.Combine(account, "ca.crt"), _security.Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(account, "namespace"), "default");
        RotateToken(account, "pod-token-1");
        var ports = RunFlow.Ports();
        var mountAndRun = "mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount"
            + " && mount --bind \"$ACCOUNT\" /run/secrets/kubernetes.io/serviceaccount && exec dotnet \"$CONTROLLER\" run " + string.Join(' ', RunFlow.Flags(ports));
        var start = new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "sh", "-c", mountAndRun])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("KUBECONFIG");
        start.Environment["HOME"] = _cluster.Directory;
        start.Environment["ACCOUNT"] = account;
        start.Environment["CONTROLLER"] = Path.Combine(AppContext.BaseDirectory, "cloudingress.dll");
        start.Environment["KUBERNETES_SERVICE_HOST"] = "127.0.0.1";
        start.Environment["KUBERNETES_SERVICE_PORT"] = _cluster.Api.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("unshare could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await RunFlow.ServesAsync(_cluster, ports);
            Assert.Contains("token:pod-token-1", _cluster.Api.Identities);

            // The kubelet rotates the token; the old one stops being accepted.
            RotateToken(account, "pod-token-2");
            _security.Tokens.TryRemove("pod-token-1", out _);
            await RunFlow.ServesIngressAsync(_cluster, ports, "after-rotation");
            Assert.Contains("token:pod-token-2", _cluster.Api.Identities);
        }
        catch (Exception) when (process.HasExited)
        {
            Assert.Fail($"the controller exited with {process.ExitCode}: {await error} {await output}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>As the kubelet does: the new token written aside, then renamed over the old one.</summary>
    private void RotateToken(string account, string token)
    {
        _security.Tokens[token] = true;
        var next = Path.Combine(account, ".token.next");
        File.WriteAllText(next, token);
        File.Move(next, Path.Combine(account, "token"), overwrite: true);
    }

    private string Kubeconfig(string user)
    {
        var path = Path.Combine(_cluster.Directory, $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, _cluster.Api.Kubeconfig(user));
        return path;
    }
}
