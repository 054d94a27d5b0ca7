using System.Diagnostics;
using System.Text.Json;

namespace CloudIngress.Kubernetes.Config;

/// <summary>A bearer token that may change over time (rotated service-account tokens, exec plugins).</summary>
public interface ITokenSource
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

internal sealed class StaticToken(string token) : ITokenSource
{
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);
}

/// <summary>
/// A token file, re-read when it changes: projected service-account tokens are rotated by the
/// kubelet, so reading it once at start would fail about an hour later.
/// </summary>
internal sealed class FileToken(string path) : ITokenSource
{
    private (DateTime Written, string Token)? _cached;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var written = File.GetLastWriteTimeUtc(path);
        if (_cached is { } cached && cached.Written == written)
        {
            return cached.Token;
        }

        var token = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        if (token.Length == 0)
        {
            throw new KubernetesConfigException($"token file {path} is empty");
        }

        _cached = (written, token);
        return token;
    }
}

/// <summary>
/// An exec credential plugin (client.authentication.k8s.io ExecCredential), as EKS kubeconfigs use
/// with <c>aws eks get-token</c>: run the command, read status.token, reuse it until shortly before
/// status.expirationTimestamp.
/// </summary>
internal sealed class ExecToken(string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string apiVersion) : ITokenSource
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (DateTimeOffset Expires, string Token)? _cached;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } cached && cached.Expires > DateTimeOffset.UtcNow.AddMinutes(1))
            {
                return cached.Token;
            }

            var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            start.Environment["KUBERNETES_EXEC_INFO"] =
                "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}";
            using var process = Process.Start(start) ?? throw new KubernetesConfigException($"exec credential command \"{command}\" could not be started");
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new KubernetesConfigException($"exec credential command \"{command}\" exited with {process.ExitCode}");
            }

            using var json = JsonDocument.Parse(output);
            var status = json.RootElement.GetProperty("status");
            var token = status.GetProperty("token").GetString()
                ?? throw new KubernetesConfigException($"exec credential command \"{command}\" returned no status.token");
            var expires = status.TryGetProperty("expirationTimestamp", out var e) && e.GetString() is { } text
                ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
                : DateTimeOffset.MaxValue;
            _cached = (expires, token);
            return token;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or System.ComponentModel.Win32Exception)
        {
            throw new KubernetesConfigException($"exec credential command \"{command}\" did not return a usable ExecCredential: {e.GetType().Name}");
        }
        finally
        {
            _lock.Release();
        }
    }
}
