using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Core.Build;

/// <summary>
/// Resolves <c>spec.tls[].secretName</c> to validated certificates. Each Secret is parsed once;
/// every Ingress that refers to a missing or malformed one gets its own diagnostic, and its hosts
/// fall back to the listener's default certificate.
/// </summary>
internal sealed class CertificateResolver(SnapshotIndex index, BuildOptions options, DiagnosticBag diagnostics)
{
    private readonly Dictionary<string, (TlsCertificate? Certificate, string? Error)> _parsed = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, TlsCertificate> _used = new(StringComparer.Ordinal);

    public IReadOnlyList<TlsCertificate> Used => [.. _used.Values];

    public TlsCertificate? Resolve(string ns, string secretName, IReadOnlyList<string> hosts, ObjectRef owner, string field)
    {
        var key = SnapshotIndex.Key(ns, secretName);
        if (!_parsed.TryGetValue(key, out var entry))
        {
            var secret = index.FindSecret(ns, secretName);
            entry = secret is null ? (null, null) : Parse(secret);
            _parsed[key] = entry;
        }

        if (entry.Certificate is not { } certificate)
        {
            var message = entry.Error is null
                ? $"Secret \"{secretName}\" not found in namespace \"{ns}\"; its hosts get the default certificate"
                : $"Secret \"{secretName}\" {entry.Error}; its hosts get the default certificate";
            diagnostics.Error(entry.Error is null ? DiagnosticCodes.SecretNotFound : DiagnosticCodes.TlsSecretInvalid,
                owner, field, message);
            return null;
        }

        foreach (var host in hosts.Where(h => !Covers(certificate.DnsNames, h)))
        {
            diagnostics.Warning(DiagnosticCodes.TlsHostNotCovered, owner, field,
                $"the certificate in Secret \"{secretName}\" does not cover host \"{host}\" (it covers {string.Join(", ", certificate.DnsNames)})");
        }

        if (options.Now is { } now && certificate.NotAfter < now)
        {
            diagnostics.Warning(DiagnosticCodes.CertificateExpired, owner, field,
                $"the certificate in Secret \"{secretName}\" expired on {certificate.NotAfter:yyyy-MM-dd}");
        }

        _used[certificate.Id] = certificate;
        return certificate;
    }

    /// <summary>Does a certificate name cover a TLS host? Wildcard names cover exactly one label.</summary>
    public static bool Covers(IReadOnlyList<string> dnsNames, string host) =>
        dnsNames.Any(name => string.Equals(name, host, StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("*.", StringComparison.Ordinal) && !host.StartsWith("*.", StringComparison.Ordinal)
                && Routing.HostNames.Matches(name, HostMatchKind.Wildcard, host)));

    private static (TlsCertificate?, string?) Parse(Secret secret)
    {
        var certBytes = secret.GetValue(Secret.TlsCertKey, out var badCert);
        var keyBytes = secret.GetValue(Secret.TlsPrivateKeyKey, out var badKey);
        if (badCert || badKey)
        {
            return (null, "has data that is not valid base64");
        }

        if (certBytes is null || keyBytes is null)
        {
            return (null, $"needs both {Secret.TlsCertKey} and {Secret.TlsPrivateKeyKey}");
        }

        var certPem = Encoding.UTF8.GetString(certBytes);
        var keyPem = Encoding.UTF8.GetString(keyBytes);
        try
        {
            using var leaf = X509Certificate2.CreateFromPem(certPem, keyPem);
            var dnsNames = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>()
                .SelectMany(e => e.EnumerateDnsNames())
                .Select(n => n.ToLowerInvariant())
                .Distinct()
                .ToList();
            if (dnsNames.Count == 0 && leaf.GetNameInfo(X509NameType.DnsName, false) is { Length: > 0 } cn)
            {
                dnsNames.Add(cn.ToLowerInvariant());
            }

            var secretRef = ObjectRefs.For(secret);
            return (new TlsCertificate
            {
                Id = secretRef.Key,
                Secret = secretRef,
                Subject = leaf.Subject,
                DnsNames = dnsNames,
                NotBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                NotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                Sha256 = leaf.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(),
                ChainLength = CountPemBlocks(certPem),
                CertificatePem = certPem,
                PrivateKeyPem = new SensitiveText(keyPem),
            }, null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // The exception text can quote the input; say only what is wrong.
            return (null, $"does not hold a PEM certificate with its matching, unencrypted private key in {Secret.TlsCertKey}/{Secret.TlsPrivateKeyKey}");
        }
    }

    private static int CountPemBlocks(string pem)
    {
        var count = 0;
        for (var i = pem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal); i >= 0;
             i = pem.IndexOf("-----BEGIN CERTIFICATE-----", i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
