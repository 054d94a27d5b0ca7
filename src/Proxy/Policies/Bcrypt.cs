namespace CloudIngress.Proxy.Policies;

/// <summary>
/// bcrypt (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>) as htpasswd writes it, computed by BCrypt.Net-Next.
/// The package is lenient about malformed hashes (it throws, or silently decodes characters outside
/// bcrypt's alphabet), so the shape is checked here first and nothing it throws escapes.
/// </summary>
internal static class Bcrypt
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // "$2b$10$" + 22 salt characters
    private const int PrefixAndSaltLength = 29;

    /// <summary>A new <c>$2b$</c> hash with a random salt.</summary>
    public static string Hash(string password, int cost) =>
        BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(cost, 'b'));

    /// <summary>The full hash string for a password and an existing hash's prefix and salt, or null when the hash is malformed.</summary>
    public static string? Rehash(string hash, string password)
    {
        if (!IsWellFormed(hash))
        {
            return null;
        }

        string computed;
        try
        {
            computed = BCrypt.Net.BCrypt.HashPassword(password, hash[..PrefixAndSaltLength]);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or ArgumentException)
        {
            // Messages may quote the input (an unencodable password character): never pass them on.
            return null;
        }

        // The stored prefix and salt text are kept verbatim: the package re-encodes the salt, which
        // would turn a non-canonical last salt character into a mismatch that is not the password's fault.
        return string.Concat(hash.AsSpan(0, PrefixAndSaltLength), computed.AsSpan(PrefixAndSaltLength));
    }

    // $2b$10$ + 22 salt characters + 31 hash characters
    private static bool IsWellFormed(string hash) =>
        hash.Length == 60 && hash[0] == '$' && hash[1] == '2' && hash[3] == '$' && hash[6] == '$'
        && (hash[2] is 'a' or 'b' or 'y')
        && int.TryParse(hash.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cost)
        && cost is >= 4 and <= 31
        && hash.AsSpan(7, 22).IndexOfAnyExcept(Alphabet) < 0;
}
