using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Translate;

/// <summary>
/// The certificates of one HTTPS listener, default first: <c>certificate-arn</c> ARNs; else the
/// hosts' TLS Secrets, imported into ACM; hosts left uncovered get an ISSUED ACM certificate by
/// discovery, where a certificate naming the host exactly beats a wildcard, then the one valid
/// longest, then the lowest ARN, so the choice never flaps.
/// </summary>
internal static class CertificateSelection
{
    public static ValueList<CertificateRef> Select(Listener listener, IReadOnlyCollection<string> hosts, ObjectRef subject, TranslateContext context)
    {
        var chosen = new List<CertificateRef>();
        var covered = new List<string>();
        foreach (var arn in listener.ExternalCertificates)
        {
            chosen.Add(CertificateRef.ForArn(arn));
        }

        if (chosen.Count == 0)
        {
            var secretIds = new List<string>();
            if (listener.DefaultCertificate is { } fallback)
            {
                secretIds.Add(fallback);
            }

            secretIds.AddRange(listener.Certificates.Where(c => hosts.Contains(c.Host)).Select(c => c.Certificate));
            foreach (var certificate in secretIds.Distinct(StringComparer.Ordinal).Select(context.Certificate).OfType<TlsCertificate>())
            {
                chosen.Add(CertificateRef.ForImport(context.Import(certificate)));
                covered.AddRange(certificate.DnsNames);
            }

            foreach (var host in hosts.Where(h => h != "*" && !covered.Any(name => Matches(name, h))).Order(StringComparer.Ordinal))
            {
                context.Discovered.Add(host);
                if (Discover(host, context.Options.AcmCertificates) is { } found)
                {
                    chosen.Add(CertificateRef.ForArn(found.Arn));
                    covered.AddRange(found.Names);
                }
            }
        }

        var distinct = chosen.Distinct().ToList();
        var limit = context.Options.MaxCertificatesPerListener + 1;
        if (distinct.Count > limit)
        {
            context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderQuotaExceeded, subject,
                $"port {listener.Port.ToString(CultureInfo.InvariantCulture)} needs {distinct.Count.ToString(CultureInfo.InvariantCulture)} certificates and a listener takes {limit.ToString(CultureInfo.InvariantCulture)}; the rest are left out");
            distinct = distinct[..limit];
        }

        return distinct.ToValueList();
    }

    /// <summary>Exact names first, then wildcards; then the latest expiry; then the lowest ARN.</summary>
    public static AvailableCertificate? Discover(string host, IReadOnlyList<AvailableCertificate> available) =>
        available
            .Select(c => (Certificate: c, Rank: c.Names.Any(n => string.Equals(n, host, StringComparison.OrdinalIgnoreCase)) ? 0
                : c.Names.Any(n => Matches(n, host)) ? 1 : 2))
            .Where(c => c.Rank < 2)
            .OrderBy(c => c.Rank)
            .ThenByDescending(c => c.Certificate.NotAfter ?? DateTimeOffset.MinValue)
            .ThenBy(c => c.Certificate.Arn, StringComparer.Ordinal)
            .Select(c => c.Certificate)
            .FirstOrDefault();

    /// <summary>A certificate name covers a host exactly, or as <c>*.rest</c> covering one label.</summary>
    private static bool Matches(string name, string host)
    {
        if (string.Equals(name, host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!name.StartsWith("*.", StringComparison.Ordinal) || host.StartsWith("*.", StringComparison.Ordinal))
        {
            return false;
        }

        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(host[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase);
    }
}
