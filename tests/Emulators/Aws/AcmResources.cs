namespace CloudIngress.Emulators.Aws;

/// <summary>
/// An ACM certificate. Imported ones keep their PEM, serial and the SHA-256 of the leaf (DER, hex) so
/// tests can tell which bytes are live; AMAZON_ISSUED ones exist for discovery only.
/// </summary>
public sealed record Certificate(
    string Arn, string Type, string DomainName, IReadOnlyList<string> SubjectAlternativeNames, string KeyAlgorithm,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset CreatedAt, DateTimeOffset? ImportedAt, string Serial, string? Sha256,
    string Subject, string Issuer, string SignatureAlgorithm, string? CertificatePem, string? CertificateChainPem)
{
    public bool Imported => Type == "IMPORTED";

    /// <summary>Load balancers with a listener that uses the certificate (snapshots only).</summary>
    public IReadOnlyList<string> InUseBy { get; init; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public string StatusAt(DateTimeOffset now) => now > NotAfter ? "EXPIRED" : "ISSUED";
}
