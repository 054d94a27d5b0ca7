using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Emulators.Aws;

/// <summary>Reads an imported PEM certificate and key as ACM does: they must parse and match, and the key type must be one ACM knows.</summary>
internal static class CertificateParser
{
    public static Certificate Parse(string arn, string certificatePem, string privateKeyPem, string? chainPem, DateTimeOffset now)
    {
        X509Certificate2 x509;
        try
        {
            x509 = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new AwsError("ValidationException", "The certificate or the private key could not be parsed, or the private key does not match the certificate: " + e.Message);
        }

        using (x509)
        {
            var notBefore = new DateTimeOffset(x509.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(x509.NotAfter.ToUniversalTime());
            if (now < notBefore || now > notAfter)
            {
                throw new AwsError("ValidationException", "The certificate is not valid at the current time");
            }

            var sans = x509.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
            var commonName = x509.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            var domain = !string.IsNullOrEmpty(commonName) ? commonName : sans.FirstOrDefault()
                ?? throw new AwsError("ValidationException", "The certificate has no domain name");
            return new Certificate(
                arn, "IMPORTED", domain, sans.Prepend(domain).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), KeyAlgorithm(x509),
                notBefore, notAfter, now, now, Serial(x509.SerialNumber), Convert.ToHexStringLower(SHA256.HashData(x509.RawData)),
                x509.Subject, x509.Issuer, SignatureAlgorithm(x509.SignatureAlgorithm.FriendlyName), certificatePem, chainPem);
        }
    }

    /// <summary>ACM's colon-separated lowercase serial, e.g. <c>0a:1b:…</c>.</summary>
    public static string Serial(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2).ToLowerInvariant()));

    private static string KeyAlgorithm(X509Certificate2 x509)
    {
        using var rsa = x509.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize is 1024 or 2048 or 3072 or 4096 ? $"RSA_{rsa.KeySize}" : throw new AwsError("ValidationException", $"RSA key size {rsa.KeySize} is not supported");
        }

        using var ec = x509.GetECDsaPublicKey();
        return ec?.KeySize switch
        {
            256 => "EC_prime256v1",
            384 => "EC_secp384r1",
            521 => "EC_secp521r1",
            _ => throw new AwsError("ValidationException", "The key algorithm is not supported"),
        };
    }

    private static string SignatureAlgorithm(string? friendlyName) => friendlyName switch
    {
        "sha256RSA" => "SHA256WITHRSA",
        "sha384RSA" => "SHA384WITHRSA",
        "sha256ECDSA" => "SHA256WITHECDSA",
        "sha384ECDSA" => "SHA384WITHECDSA",
        _ => (friendlyName ?? "UNKNOWN").ToUpperInvariant(),
    };
}
