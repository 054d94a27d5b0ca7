using CloudIngress.Core.Model;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Proxy.Policies;

/// <summary>
/// HTTP basic authentication against htpasswd entries. bcrypt is slow by design, so successful
/// checks are remembered for a while under an HMAC of the credentials (never the password
/// itself); a Secret change builds a new authenticator and forgets them all. Unknown users are
/// checked against a real hash too, so timing does not tell which users exist.
/// </summary>
internal sealed class BasicAuthenticator
{
    private const int CacheLimit = 10_000;
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, string> _users = new(StringComparer.Ordinal);
    private readonly string? _decoyHash;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, long> _verified = new(StringComparer.Ordinal);

    public BasicAuthenticator(BasicAuthPolicy policy)
    {
        foreach (var entry in policy.Credentials)
        {
            _users.TryAdd(entry.User, entry.Hash.Reveal());
        }

        _decoyHash = policy.Credentials.Count > 0 ? policy.Credentials[0].Hash.Reveal() : null;
        Challenge = $"Basic realm=\"{policy.Realm}\", charset=\"UTF-8\"";
    }

    /// <summary>The <c>WWW-Authenticate</c> value for 401 responses.</summary>
    public string Challenge { get; }

    /// <summary>The user for a valid <c>Authorization: Basic …</c> header, or null.</summary>
    public string? Authenticate(string? authorization, long nowTicks)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        var cacheKey = Convert.ToHexString(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(decoded)));
        if (_verified.TryGetValue(cacheKey, out var expires) && expires > nowTicks)
        {
            return user;
        }

        if (!_users.TryGetValue(user, out var hash))
        {
            if (_decoyHash is not null)
            {
                PasswordHashes.Verify(_decoyHash, password);
            }

            return null;
        }

        if (!PasswordHashes.Verify(hash, password))
        {
            return null;
        }

        if (_verified.Count >= CacheLimit)
        {
            _verified.Clear();
        }

        _verified[cacheKey] = nowTicks + CacheLifetime.Ticks;
        return user;
    }
}
