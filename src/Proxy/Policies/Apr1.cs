using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Proxy.Policies;

/// <summary>Apache's MD5-crypt (<c>$apr1$salt$hash</c>), htpasswd's traditional default.</summary>
internal static class Apr1
{
    private const string Magic = "$apr1$";
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string? Rehash(string hash, string password)
    {
        if (!hash.StartsWith(Magic, StringComparison.Ordinal))
        {
            return null;
        }

        var end = hash.IndexOf('$', Magic.Length);
        var salt = end < 0 ? hash[Magic.Length..] : hash[Magic.Length..end];
        if (salt.Length > 8)
        {
            salt = salt[..8];
        }

        var pw = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        var alternate = MD5.HashData([.. pw, .. saltBytes, .. pw]);

        var context = new List<byte>(pw);
        context.AddRange(Encoding.ASCII.GetBytes(Magic));
        context.AddRange(saltBytes);
        for (var i = pw.Length; i > 0; i -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(16, i)));
        }

        for (var i = pw.Length; i != 0; i >>= 1)
        {
            context.Add((i & 1) != 0 ? (byte)0 : pw.Length > 0 ? pw[0] : (byte)0);
        }

        var final = MD5.HashData(context.ToArray());
        for (var i = 0; i < 1000; i++)
        {
            var round = new List<byte>();
            round.AddRange((i & 1) != 0 ? pw : final);
            if (i % 3 != 0)
            {
                round.AddRange(saltBytes);
            }

            if (i % 7 != 0)
            {
                round.AddRange(pw);
            }

            round.AddRange((i & 1) != 0 ? final : pw);
            final = MD5.HashData(round.ToArray());
        }

        var sb = new StringBuilder(Magic).Append(salt).Append('$');
        To64(sb, (final[0] << 16) | (final[6] << 8) | final[12], 4);
        To64(sb, (final[1] << 16) | (final[7] << 8) | final[13], 4);
        To64(sb, (final[2] << 16) | (final[8] << 8) | final[14], 4);
        To64(sb, (final[3] << 16) | (final[9] << 8) | final[15], 4);
        To64(sb, (final[4] << 16) | (final[10] << 8) | final[5], 4);
        To64(sb, final[11], 2);
        return sb.ToString();
    }

    private static void To64(StringBuilder sb, int value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sb.Append(Itoa64[value & 0x3F]);
            value >>= 6;
        }
    }
}
