using System.Security.Cryptography;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>Public certificate data as Application Gateway takes it: base64 DER, named by fingerprint.</summary>
internal static class CertificateData
{
    public static IEnumerable<byte[]> DerBlocks(string pem)
    {
        const string Begin = "-----BEGIN CERTIFICATE-----";
        const string End = "-----END CERTIFICATE-----";
        var start = 0;
        while (pem.IndexOf(Begin, start, StringComparison.Ordinal) is var begin and >= 0)
        {
            var end = pem.IndexOf(End, begin, StringComparison.Ordinal);
            if (end < 0)
            {
                yield break;
            }

            yield return Convert.FromBase64String(pem[(begin + Begin.Length)..end].Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim());
            start = end + End.Length;
        }
    }

    public static string Fingerprint(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));
}
