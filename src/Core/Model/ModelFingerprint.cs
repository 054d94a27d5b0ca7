using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CloudIngress.Core.Model;

/// <summary>
/// A stable content hash of a model: equal for equal models, whatever object instances hold
/// them, so an unchanged snapshot can skip recompiling the proxy and reading the cloud. It covers
/// what the JSON model leaves out (keys, certificate PEMs, CA bundles, password hashes), since
/// a rotated certificate with the same name is a change; the hash itself reveals none of it.
/// </summary>
public static class ModelFingerprint
{
    public static string Of(GatewayModel model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(model, ModelJsonContext.Default.GatewayModel));
        foreach (var certificate in model.Certificates)
        {
            Append(hash, certificate.Id, certificate.CertificatePem, certificate.PrivateKeyPem.Reveal());
        }

        foreach (var pool in model.Backends)
        {
            Append(hash, pool.Id, pool.Tls?.CaPem ?? string.Empty);
        }

        var routes = model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts).SelectMany(h => h.Routes);
        foreach (var route in routes.Where(r => r.Policy?.BasicAuth is not null))
        {
            foreach (var entry in route.Policy!.BasicAuth!.Credentials)
            {
                Append(hash, route.Id, entry.User, entry.Hash.Reveal());
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, params string[] parts)
    {
        foreach (var part in parts)
        {
            // Length-prefixed, so ("ab","c") and ("a","bc") differ.
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(Encoding.UTF8.GetBytes(part));
        }
    }
}
