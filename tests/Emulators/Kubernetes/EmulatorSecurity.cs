using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Emulators.Kubernetes;

/// <summary>
/// TLS and authentication for the emulated API server, as a real cluster has them: a serving
/// certificate from a private CA (named for 127.0.0.1), bearer tokens it accepts, and client
/// certificates that CA issued.
/// </summary>
public sealed class EmulatorSecurity
{
    public EmulatorSecurity(params string[] tokens)
    {
        Ca = TestCertificates.CreateCa();
        ServerCertificate = TestCertificates.Issue(Ca, "kubernetes", ["kubernetes", "localhost"], [IPAddress.Loopback]);
        foreach (var token in tokens)
        {
            Tokens[token] = true;
        }
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Accepted bearer tokens; a test may add and remove them while the server runs.</summary>
    public ConcurrentDictionary<string, bool> Tokens { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Tokens held by a ServiceAccount whose requests RBAC checks (403 Forbidden when refused); a
    /// token not listed here is let do anything, as a cluster admin's would.
    /// </summary>
    public ConcurrentDictionary<string, RbacAuthorizer> Authorizers { get; } = new(StringComparer.Ordinal);

    /// <summary>A client certificate for <paramref name="user"/>, issued by the CA.</summary>
    public X509Certificate2 IssueClientCertificate(string user) => TestCertificates.Issue(Ca, user);

    /// <summary>Issued by this CA (client certificates are checked against it alone).</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
