using CloudIngress.Core.Model;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Tls;

/// <summary>What identifies a loaded certificate: the Secret's content, so an unchanged Secret is loaded once across reloads.</summary>
internal readonly record struct CertificateKey(string CertificatePem, SensitiveText PrivateKeyPem)
{
    public static CertificateKey Of(TlsCertificate certificate) => new(certificate.CertificatePem, certificate.PrivateKeyPem);
}

/// <summary>
/// Loading and releasing the proxy's server certificates. A context is only released when no
/// route table holds it and no connection that selected it is still open (<see cref="Routing.Shared{T}"/>):
/// SslStream reads the context's certificate during the handshake (and it stays the connection's
/// local certificate after), so disposing it under a handshake that already selected it fails
/// that handshake ("certificate with the associated private key", "invalid handle").
/// </summary>
internal static class ServerCertificate
{
    /// <summary>Leaf and intermediates from the Secret, sent as the chain; the key stays in memory only.</summary>
    public static SslStreamCertificateContext Load(CertificateKey key)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(key.CertificatePem, key.PrivateKeyPem.Reveal());
        // A PKCS#12 round trip gives a key SslStream can use on every platform.
        var leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(key.CertificatePem);
        chain[0].Dispose(); // the leaf again, without its key
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain.Skip(1))
        {
            intermediates.Add(c);
        }

        try
        {
            return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
        catch
        {
            leaf.Dispose(); // refused (a key SslStream cannot use): nothing holds the key
            throw;
        }
        finally
        {
            // The context keeps copies of its own: these only helped build the chain.
            foreach (var c in intermediates)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>
    /// Why <see cref="Load"/> failed, or null for an exception that is not about the material. The
    /// model only checks that the PEM pair parses and matches; a key SslStream cannot sign with
    /// (DSA, for one) passes that and fails here with NotSupportedException ("The server mode SSL
    /// must use a certificate with the associated private key").
    /// </summary>
    public static string? Unusable(Exception e) => e switch
    {
        NotSupportedException => "its private key cannot sign a TLS handshake; use an RSA or ECDSA key",
        CryptographicException or ArgumentException => "its certificate and key do not load as a pair",
        _ => null,
    };

    /// <summary>
    /// Disposes what <see cref="Load"/> made: the leaf with its key and the intermediates. The
    /// context keeps its own native references, freed by the GC; ours go now, so a rotated-out
    /// key is not kept alive by us for as long as the GC happens not to run.
    /// </summary>
    public static void Release(SslStreamCertificateContext context)
    {
        context.TargetCertificate.Dispose();
        foreach (var intermediate in context.IntermediateCertificates)
        {
            intermediate.Dispose();
        }
    }
}
