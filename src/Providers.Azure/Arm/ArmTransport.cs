using Azure.Core.Pipeline;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Providers.Azure.Arm;

/// <summary>
/// The HTTP transport for an endpoint whose certificate is issued by a private CA (Azure Stack
/// Hub, a TLS-inspecting proxy): the system's roots, plus the CAs of a PEM file.
/// </summary>
public static class ArmTransport
{
    public static HttpPipelineTransport Trusting(X509Certificate2Collection authorities)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None || Trusted(certificate, errors, authorities),
            },
        };
        return new HttpClientTransport(new HttpClient(handler));
    }

    /// <summary>Reads every certificate of a PEM file; a configuration error names the file when there is none.</summary>
    public static X509Certificate2Collection ReadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new AzureConfigurationException($"--azure-endpoint-ca: cannot read {path}: {e.Message}", e);
        }

        return authorities.Count > 0 ? authorities : throw new AzureConfigurationException($"--azure-endpoint-ca: {path} holds no PEM certificate");
    }

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
