using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Model;

public enum ListenerProtocol
{
    Http,
    Https,
    Tcp,
    Udp,
}

/// <summary>A port on a frontend. HTTP(S) listeners route by host and path; TCP/UDP ones forward to one pool.</summary>
public sealed record Listener
{
    public int Port { get; init; }

    public ListenerProtocol Protocol { get; init; }

    public IReadOnlyList<VirtualHost> VirtualHosts { get; init; } = [];

    /// <summary>What unmatched requests get: the default backend, or null for a plain 404.</summary>
    public RouteAction? DefaultAction { get; init; }

    /// <summary>HTTPS: certificates chosen by SNI, exact hosts before wildcards.</summary>
    public IReadOnlyList<SniCertificate> Certificates { get; init; } = [];

    /// <summary>HTTPS: the certificate for clients whose SNI matches nothing (a TLS entry without hosts).</summary>
    public string? DefaultCertificate { get; init; }

    /// <summary>HTTPS: certificates held by the cloud (ACM ARNs), for the providers that use them.</summary>
    public IReadOnlyList<string> ExternalCertificates { get; init; } = [];

    /// <summary>HTTPS: hosts whose TLS is not terminated here; the ClientHello SNI picks the pool.</summary>
    public IReadOnlyList<PassthroughRoute> Passthrough { get; init; } = [];

    /// <summary>TCP/UDP: the pool every connection goes to.</summary>
    public string? Backend { get; init; }
}

public sealed record SniCertificate(string Host, string Certificate);

/// <summary>Source ranges are enforced on the TCP connection, before any byte is forwarded.</summary>
public sealed record PassthroughRoute(string Host, string Backend, ObjectRef Source)
{
    public IReadOnlyList<string>? SourceRanges { get; init; }
}
