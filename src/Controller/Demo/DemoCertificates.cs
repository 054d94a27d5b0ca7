using CloudIngress.Proxy.Tls;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Controller.Demo;

/// <summary>A throwaway CA and the certificates the quickstart needs, made fresh at each demo start.</summary>
internal sealed class DemoCertificates : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    public X509Certificate2 Ca { get; } = CertificateFactory.CreateCa("CloudIngress Demo CA", Lifetime);

    private X509Certificate2? _site;
    private X509Certificate2? _backend;

    /// <summary><c>*.demo.test</c>: what the proxy presents for offload and bridge.</summary>
    public X509Certificate2 Site => _site ??= CertificateFactory.CreateServer(Ca, "*.demo.test", ["*.demo.test", "demo.test"], Lifetime);

    /// <summary><c>secure.demo.test</c> and <c>backend.demo.internal</c>: the HTTPS backend's own certificate.</summary>
    public X509Certificate2 Backend => _backend ??= CertificateFactory.CreateServer(Ca, "secure.demo.test", ["secure.demo.test", "backend.demo.internal"], Lifetime);

    /// <summary>Only what was made: reading a property here would issue a certificate from a disposed CA.</summary>
    public void Dispose()
    {
        _site?.Dispose();
        _backend?.Dispose();
        Ca.Dispose();
    }
}
