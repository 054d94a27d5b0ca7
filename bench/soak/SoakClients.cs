using CloudIngress.Proxy.Tests.Infrastructure;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Soak;

/// <summary>
/// The client mix, all at once until <c>stop</c>: keep-alive and new-connection HTTP, TLS offload
/// with SNI over many hosts (a new handshake per request), bridge, passthrough, WebSockets held
/// open the whole run, and gRPC-like HTTP/2 duplex streams. Whatever a reload cannot explain is a
/// violation: only a request to a route that comes and goes may see 404; nothing may 5xx or reset.
/// </summary>
internal sealed class SoakClients(ServeProcess serve, X509Certificate2 ca, SoakOptions options, SoakReport report)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    public IEnumerable<Task> Start(CancellationToken stop)
    {
        yield return Loop("keepalive", stop, Client(), _ => ("http://stable.example.com/", false, false));
        yield return Loop("newconn", stop, Client(), n => (n % 3) switch
        {
            0 => ("http://stable.example.com/", true, false),
            1 => ($"http://{SoakManifests.ChurnHost(n % SoakManifests.ChurnRoutes)}/", true, true),
            _ => ("http://broken.example.com/", true, true),
        });
        yield return Loop("tls-sni", stop, Client(), n => ($"https://{SoakManifests.Host(n % options.TlsHosts)}/", true, false));
        yield return Loop("bridge", stop, Client(), _ => ("https://bridge.example.com/", false, false));
        yield return Loop("passthrough", stop, Client(), _ => ("https://secure.example.com/", true, false));
        for (var i = 0; i < options.WebSockets; i++)
        {
            yield return WebSocketAsync(i, stop);
        }

        for (var i = 0; i < options.Streams; i++)
        {
            yield return StreamsAsync(stop);
        }
    }

    /// <summary>Requests back to back: the URL, whether to close the connection after it, and whether 404 is explained.</summary>
    private async Task Loop(string name, CancellationToken stop, HttpClient client, Func<int, (string Url, bool Close, bool MayBeMissing)> next)
    {
        using var _ = client;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var (url, close, mayBeMissing) = next(n);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.ConnectionClose = close;
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                if (status == 200 || (status == 404 && mayBeMissing))
                {
                    report.Count(name, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    report.Violation(name, $"{url} answered {status}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                report.Violation(name, $"{url}: {Describe(e)}");
            }

            await Task.Delay(options.Pace, CancellationToken.None);
        }
    }

    /// <summary>One WebSocket for the whole run, a message echoed every 200 ms; its route never changes.</summary>
    private async Task WebSocketAsync(int index, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Host", "ws.example.com");
        var buffer = new byte[1024];
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{serve.HttpPort}/ws"), CancellationToken.None).WaitAsync(Step);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var message = $"ws{index} message {n}";
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Step);
                var received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).WaitAsync(Step);
                if (Encoding.UTF8.GetString(buffer, 0, received.Count) != message)
                {
                    report.Violation("websocket", $"ws{index} echoed something else for message {n}");
                    return;
                }

                report.Count("websocket", "echoed");
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Step);
            report.Count("websocket", "survived");
        }
        catch (Exception e) when (e is WebSocketException or IOException or TimeoutException or HttpRequestException)
        {
            report.Violation("websocket", $"ws{index} broke: {Describe(e)}");
        }
    }

    /// <summary>Duplex HTTP/2 streams over TLS to the h2c backend, one after another, each with trailers.</summary>
    private async Task StreamsAsync(CancellationToken stop)
    {
        using var client = Client();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var frames = await OneStreamAsync(client, stop);
                report.Count("grpc-stream", "completed");
                report.Count("grpc-stream", $"frames x{Math.Min(frames, 10)}");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or InvalidDataException)
            {
                report.Violation("grpc-stream", $"{DateTime.UtcNow:HH:mm:ss.fff} {Describe(e)}");
            }
        }
    }

    private async Task<int> OneStreamAsync(HttpClient client, CancellationToken stop)
    {
        var pipe = new Pipe();
        using var request = GrpcFrames.Request("https://grpc.example.com/grpc", pipe);
        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var frames = 0;
        await GrpcFrames.WriteAsync(pipe.Writer, "frame 0");
        using var response = await sending.WaitAsync(Step);
        await using var body = await response.Content.ReadAsStreamAsync();
        var until = DateTime.UtcNow + options.StreamLength;
        while (true)
        {
            var echoed = await GrpcFrames.ReadAsync(body).WaitAsync(Step);
            if (echoed != $"frame {frames}")
            {
                throw new InvalidDataException($"stream echoed \"{echoed}\" for frame {frames}");
            }

            frames++;
            if (stop.IsCancellationRequested || DateTime.UtcNow >= until)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            await GrpcFrames.WriteAsync(pipe.Writer, $"frame {frames}");
        }

        await pipe.Writer.CompleteAsync();
        if (await body.ReadAsync(new byte[1]).AsTask().WaitAsync(Step) != 0)
        {
            throw new InvalidDataException("stream sent more than it was sent");
        }

        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single() : "(none)";
        return status == "0" ? frames : throw new InvalidDataException($"stream ended with grpc-status {status}");
    }

    /// <summary>A client that always connects to the proxy (http:// to its HTTP port, https:// to HTTPS) and trusts only the soak CA.</summary>
    private HttpClient Client()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = async (context, token) =>
            {
                var port = context.InitialRequestMessage.RequestUri!.Scheme == "https" ? serve.HttpsPort : serve.HttpPort;
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, token);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors) },
        };
        return new HttpClient(handler) { Timeout = Step };
    }

    private bool Trusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    private static string Describe(Exception e) => e.InnerException is { } inner ? $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})" : $"{e.GetType().Name}: {e.Message}";
}
