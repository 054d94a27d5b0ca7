using CloudIngress.Core.Diagnostics;
using System.Text.Json.Serialization;

namespace CloudIngress.Core.Model;

/// <summary>A certificate and key from a <c>kubernetes.io/tls</c> Secret, validated.</summary>
public sealed record TlsCertificate
{
    /// <summary><c>namespace/secret</c>.</summary>
    public required string Id { get; init; }

    public required ObjectRef Secret { get; init; }

    public required string Subject { get; init; }

    /// <summary>The leaf's DNS subject alternative names (the CN when it has none).</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public DateTimeOffset NotBefore { get; init; }

    public DateTimeOffset NotAfter { get; init; }

    /// <summary>SHA-256 of the leaf, hex: tags cloud copies so a changed Secret is re-imported.</summary>
    public required string Sha256 { get; init; }

    public int ChainLength { get; init; }

    /// <summary>Leaf first, then intermediates, PEM.</summary>
    [JsonIgnore]
    public string CertificatePem { get; init; } = string.Empty;

    [JsonIgnore]
    public SensitiveText PrivateKeyPem { get; init; } = new(string.Empty);
}
