using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Observability;
using System.Net.Security;

namespace CloudIngress.Proxy.Routing;

/// <summary>
/// The live route table. <see cref="Apply"/> compiles a model and swaps it in with one reference
/// exchange: requests already running finish on the table they started with, new ones see the
/// new one, and nothing is dropped.
/// </summary>
internal sealed class ProxyState : IDisposable
{
    private readonly RouteTableCompiler _compiler;
    private readonly EndpointRegistry _endpoints = new();
    private readonly TransportFactory _transports = new();
    private RouteTable _current;

    public ProxyState(ProxyOptions options, ProxyMetrics metrics, SslStreamCertificateContext fallbackCertificate)
    {
        _compiler = new RouteTableCompiler(_endpoints, _transports, metrics, options, fallbackCertificate);
        _current = _compiler.Compile(new GatewayModel());
    }

    public RouteTable Current => Volatile.Read(ref _current);

    /// <summary>Compiles and swaps in a model; returns what the merge onto the proxy's listeners had to say.</summary>
    public IReadOnlyList<string> Apply(GatewayModel model)
    {
        var table = _compiler.Compile(model);
        Interlocked.Exchange(ref _current, table);
        _endpoints.Retain(table.Backends.SelectMany(b => b.Endpoints.Select(e => (b.Id, e.Address, e.Port))));
        _transports.Retain(table.Backends.Select(b => b.Transport.Key).ToHashSet(), TimeSpan.FromMinutes(2));
        return table.Warnings;
    }

    public void Dispose() => _transports.Dispose();
}
