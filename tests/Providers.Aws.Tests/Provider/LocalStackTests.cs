using CloudIngress.Providers.Aws.Clients;
using System.Net;
using System.Net.Sockets;
using Testcontainers.LocalStack;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>Runs only where a Docker engine answers (Testcontainers starts LocalStack in it); skipped with the reason otherwise.</summary>
public sealed class LocalStackFactAttribute : FactAttribute
{
    public LocalStackFactAttribute()
    {
        if (DockerEngine.WhyNot() is { } reason)
        {
            Skip = $"no Docker engine answers ({reason}); the LocalStack run of the live AWS suite needs one";
        }
    }
}

/// <summary>The live AWS suite's cycle against LocalStack, started for the test by Testcontainers.</summary>
[Trait("Category", "LiveAws")]
public sealed class LocalStackTests
{
    /// <summary>Pinned, so that a new LocalStack cannot change the answer; <c>CLOUDINGRESS_LOCALSTACK_IMAGE</c> picks another.</summary>
    private const string Image = "localstack/localstack:4.4";

    [LocalStackFact]
    public async Task Apply_Reapply_Edit_Destroy_AgainstLocalStack()
    {
        var builder = new LocalStackBuilder(Environment.GetEnvironmentVariable("CLOUDINGRESS_LOCALSTACK_IMAGE") is { Length: > 0 } image ? image : Image);
        if (Environment.GetEnvironmentVariable("LOCALSTACK_AUTH_TOKEN") is { Length: > 0 } token)
        {
            builder = builder.WithEnvironment("LOCALSTACK_AUTH_TOKEN", token);
        }

        await using var localStack = builder.Build();
        await localStack.StartAsync();
        await using var bed = AwsTestbed.StartLive(new Uri(localStack.GetConnectionString()), AwsCredentialChain.Static(new AwsCredentials("test", "test")));
        await LiveCycle.RunAsync(bed);
    }
}

/// <summary>Whether the Docker engine Testcontainers would use answers: <c>DOCKER_HOST</c> (unix or tcp), else the default socket.</summary>
internal static class DockerEngine
{
    public static string? WhyNot()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? h : "unix:///var/run/docker.sock";
        try
        {
            var uri = new Uri(host);
            using var socket = uri.Scheme == "unix"
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            EndPoint endpoint = uri.Scheme == "unix" ? new UnixDomainSocketEndPoint(uri.AbsolutePath) : new DnsEndPoint(uri.Host, uri.Port);
            if (uri.Scheme == "unix" && !File.Exists(uri.AbsolutePath))
            {
                return $"{uri.AbsolutePath} does not exist";
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            socket.ConnectAsync(endpoint, cts.Token).AsTask().GetAwaiter().GetResult();
            socket.Send("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8);
            var buffer = new byte[64];
            var read = socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).AsTask().GetAwaiter().GetResult();
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ", StringComparison.Ordinal) ? null : $"{host} does not answer /_ping with 200";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or UriFormatException or IOException)
        {
            return $"{host}: {e.Message}";
        }
    }
}
