using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Kubernetes.Config;

/// <summary>How to reach one API server as one identity, resolved from a kubeconfig or from inside a pod.</summary>
public sealed class ClusterConnection
{
    public required Uri Server { get; init; }

    /// <summary>Trust anchors for the server's certificate; null means the system roots.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>The name the server certificate must carry, when it differs from the server's host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Only ever true when explicitly allowed: the server's certificate is not checked.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    public ITokenSource? Token { get; init; }

    /// <summary>The namespace of the context (or of the pod), for namespaced defaults.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Where this came from, for log lines: "kubeconfig /path (context x)" or "in-cluster".</summary>
    public required string Source { get; init; }
}
