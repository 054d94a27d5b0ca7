using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Verifies a backend's certificate for bridge mode. With a CA Secret the chain must end at one
/// of its certificates and the name must match; a CA Secret that could not be loaded trusts
/// nothing (fail closed). Without one the system roots apply.
/// </summary>
internal static class UpstreamCertificateValidator
{
    public static RemoteCertificateValidationCallback? For(TransportKey key)
    {
        if (!key.Verify)
        {
            return static (_, _, _, _) => true;
        }

        if (!key.CustomTrust)
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        if (key.CaPem is not null)
        {
            roots.ImportFromPem(key.CaPem);
        }

        return (_, certificate, chain, errors) => Validate(roots, certificate, chain, errors);
    }

    private static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || roots.Count == 0
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
