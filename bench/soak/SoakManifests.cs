using CloudIngress.Proxy.Tests.Infrastructure;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Soak;

/// <summary>
/// The manifests of one generation. What changes from one to the next: the echo pool's endpoints
/// (scaled between 1 and 4), churn routes (added and removed), the SNI hosts' certificate
/// (rotated), and one Ingress that turns invalid and valid again. The WebSocket, gRPC, bridge and
/// passthrough routes and their certificate never change: streams on them must survive every reload.
/// </summary>
internal sealed class SoakManifests(SoakBackends backends, SoakOptions options) : IDisposable
{
    public const int ChurnRoutes = 5;
    public const string BrokenName = "soak-broken";
    private const int RotateEvery = 5;
    private X509Certificate2? _hostsCertificate;

    public static string Host(int i) => string.Create(CultureInfo.InvariantCulture, $"h{i}.example.com");

    public static string ChurnHost(int i) => string.Create(CultureInfo.InvariantCulture, $"churn{i}.example.com");

    public static bool HasChurn(int generation, int i) => (generation + i) % 3 != 0;

    public static bool BrokenIsValid(int generation) => generation / 4 % 2 == 0;

    public static int EchoEndpoints(int generation) => 1 + (generation / 2 % 4);

    public string Render(int generation)
    {
        if (_hostsCertificate is null || generation % RotateEvery == 0)
        {
            _hostsCertificate?.Dispose();
            _hostsCertificate = TestPki.Issue($"soak hosts {generation}", [.. Enumerable.Range(0, options.TlsHosts).Select(Host)]);
        }

        var wild = "tls: [{hosts: ['*.example.com'], secretName: wild-tls}]";
        var yaml = new StringBuilder()
            .Append(Manifests.Service("echo", [.. backends.EchoPorts.Take(EchoEndpoints(generation))]))
            .Append(Manifests.Service("steady", backends.EchoPorts[0]))
            .Append(Manifests.Service("grpc", backends.GrpcPort))
            .Append(Manifests.Service("secure", "https", backends.TlsPort))
            .Append(TestPki.TlsSecret("hosts-tls", _hostsCertificate))
            .Append(TestPki.TlsSecret("wild-tls", TestPki.Wildcard))
            .Append(TestPki.CaSecret("soak-ca", TestPki.Ca))
            .Append(Manifests.Ingress("stable", "stable.example.com", "echo"))
            .Append(Manifests.Ingress("ws", "ws.example.com", "steady"))
            .Append(Manifests.Ingress("grpc", "grpc.example.com", "grpc", annotations: "cloudingress.io/backend-protocol: GRPC", tls: wild))
            .Append(Manifests.Ingress("bridge", "bridge.example.com", "secure", port: 443, tls: wild, annotations:
                "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: soak-ca, cloudingress.io/backend-sni: backend.internal"))
            .Append(Manifests.Ingress("pass", "secure.example.com", "secure", port: 443, annotations: "cloudingress.io/tls-mode: passthrough"));
        for (var i = 0; i < options.TlsHosts; i++)
        {
            yaml.Append(Manifests.Ingress($"h{i}", Host(i), "echo", tls: $"tls: [{{hosts: ['{Host(i)}'], secretName: hosts-tls}}]"));
        }

        for (var i = 0; i < ChurnRoutes; i++)
        {
            if (HasChurn(generation, i))
            {
                yaml.Append(Manifests.Ingress($"churn{i}", ChurnHost(i), "echo"));
            }
        }

        // Invalid: a path without its leading slash is an object error; that path is not served (404), the rest is.
        return yaml.Append(Manifests.Ingress(BrokenName, "broken.example.com", "echo", path: BrokenIsValid(generation) ? "/" : "no-slash")).ToString();
    }

    public void Dispose() => _hostsCertificate?.Dispose();
}
