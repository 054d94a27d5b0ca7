using CloudIngress.Controller.Cli;
using CloudIngress.Controller.Demo;
using CloudIngress.Controller.Standalone;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Controller.Tests.Standalone;

/// <summary>
/// The demo's start-up with the suspected race made certain: <c>serve</c> starts on the demo's
/// directory while its generated Secrets file is only half written (the key cut off mid-way), and
/// TLS handshakes run from before the proxy listens until after the whole file was picked up, as
/// a user's <c>openssl s_client</c> right after start would. No handshake may fail and nothing may
/// be logged as unhandled: the half-written Secret is a diagnostic that names it and its file, and
/// its hosts get the default certificate until the file is complete.
/// </summary>
public sealed class ServeStartupTlsTests
{
    private const string SecretsFile = "90-generated-secrets.yaml";

    [Fact]
    public async Task Serve_StartsWhileTheDemoSecretsAreHalfWritten_EveryHandshakeCompletes_NothingUnhandled()
    {
        using var site = DemoSite.Create();
        var secrets = Path.Combine(site.Directory, SecretsFile);
        var whole = await File.ReadAllTextAsync(secrets);
        var key = whole.IndexOf("tls.key: ", StringComparison.Ordinal) + "tls.key: ".Length;
        await File.WriteAllTextAsync(secrets, whole[..(key + 40)]); // the key's first 40 base64 characters, nothing after

        var capture = new LogCapture();
        using var loggers = capture.Factory();
        var options = new ProxyOptions { HttpPort = 0, HttpsPort = ListenPort.Get(), AdminPort = 0 };
        using var stop = new CancellationTokenSource();
        await using var clients = new HandshakeClients(options.HttpsPort, ["app.demo.test", "bridge.demo.test", null]);
        var started = new TaskCompletionSource<ProxyServer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new StandaloneServer(site.Directory, options, ProxyFlags.BuildOptionsFor(DemoCommand.DemoClass), loggers);
        var running = server.RunAsync(started.SetResult, stop.Token);
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains(capture.Lines, l => l.Contains("TlsSecretInvalid", StringComparison.Ordinal) && l.Contains("Secret \"demo-tls\"", StringComparison.Ordinal));
            await Eventually.Until(() => clients.Presented("app.demo.test") == "CN=CloudIngress Default Certificate", what: "the default certificate for the half-written Secret's host");

            await File.WriteAllTextAsync(secrets, whole);
            await Eventually.Until(() => clients.Presented("app.demo.test") == "CN=*.demo.test", TimeSpan.FromSeconds(30), "the site certificate once its Secret is whole");
            await Eventually.Until(() => clients.Presented("bridge.demo.test") == "CN=*.demo.test", what: "the site certificate on the bridge host too");
        }
        finally
        {
            await clients.DisposeAsync();
            await stop.CancelAsync();
            await running;
        }

        Assert.Empty(clients.Failures);
        Assert.True(clients.Completed > 0);
        Assert.DoesNotContain(capture.Lines, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    /// <summary>
    /// One client per server name, each handshaking again and again until disposed. Until the port
    /// listens, one of them retries the refused connection and the others wait for it.
    /// </summary>
    private sealed class HandshakeClients : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, string> _presented = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly Task[] _loops;
        private int _completed;

        public HandshakeClients(int port, IEnumerable<string?> serverNames) =>
            _loops = [.. serverNames.Select((name, i) => Task.Run(() => LoopAsync(port, name, probes: i == 0)))];

        public IReadOnlyList<string> Failures => [.. _failures];

        public int Completed => Volatile.Read(ref _completed);

        /// <summary>The subject of the certificate the last handshake for <paramref name="serverName"/> was given.</summary>
        public string? Presented(string serverName) => _presented.GetValueOrDefault(serverName);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
        }

        private async Task LoopAsync(int port, string? serverName, bool probes)
        {
            if (!probes)
            {
                await Task.WhenAny(_listening.Task, Task.Delay(Timeout.Infinite, _stop.Token));
            }

            while (!_stop.IsCancellationRequested)
            {
                using var tcp = new TcpClient();
                try
                {
                    await tcp.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    await Task.Yield(); // not listening yet
                    continue;
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _listening.TrySetResult();

                await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
                try
                {
                    // No SNI, like openssl s_client -connect 127.0.0.1:PORT: the default certificate.
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName ?? string.Empty }, CancellationToken.None);
                    _presented[serverName ?? string.Empty] = X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData()).Subject;
                    Interlocked.Increment(ref _completed);
                }
                catch (Exception e)
                {
                    _failures.Enqueue($"{serverName ?? "(no SNI)"}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
    }
}
