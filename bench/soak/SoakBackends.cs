using CloudIngress.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CloudIngress.Soak;

/// <summary>
/// The pods, the proxy tests' own backends: four HTTP/1.1 echo servers (JSON and WebSocket echo),
/// one h2c server echoing gRPC frames with trailers, and one HTTPS server with its own certificate
/// for bridge and passthrough.
/// </summary>
internal sealed class SoakBackends : IAsyncDisposable
{
    private readonly List<TestBackend> _all = [];

    public IReadOnlyList<int> EchoPorts => [.. _all.Take(4).Select(b => b.Port)];

    public int GrpcPort => _all[4].Port;

    public int TlsPort => _all[5].Port;

    public static async Task<SoakBackends> StartAsync()
    {
        var backends = new SoakBackends();
        for (var i = 0; i < 4; i++)
        {
            backends._all.Add(await TestBackend.StartAsync($"echo{i}", protocols: HttpProtocols.Http1));
        }

        backends._all.Add(await TestBackend.StartAsync("grpc", protocols: HttpProtocols.Http2));
        backends._all.Add(await TestBackend.StartAsync("secure", TestPki.Backend));
        backends._all.ForEach(b => b.Record = false);
        return backends;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _all)
        {
            await backend.DisposeAsync();
        }
    }
}
