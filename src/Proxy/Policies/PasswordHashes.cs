using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Proxy.Policies;

/// <summary>Verifies a password against an htpasswd hash; the final comparison is constant-time.</summary>
internal static class PasswordHashes
{
    public static bool Verify(string hash, string password)
    {
        var computed = hash switch
        {
            _ when hash.StartsWith("{SHA}", StringComparison.Ordinal) =>
                "{SHA}" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password))),
            _ when hash.StartsWith("$apr1$", StringComparison.Ordinal) => Apr1.Rehash(hash, password),
            _ when hash.StartsWith("$2", StringComparison.Ordinal) => Bcrypt.Rehash(hash, password),
            _ => null,
        };

        return computed is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(computed), Encoding.UTF8.GetBytes(hash));
    }
}
