using System.Buffers.Binary;
using System.Text;

namespace CloudIngress.Proxy.Policies;

/// <summary>
/// bcrypt (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>) as htpasswd writes it: EksBlowfish with a
/// 2^cost key schedule, 64 encryptions of "OrpheanBeholderScryDoubt". The BCL has no bcrypt.
/// </summary>
internal static class Bcrypt
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly uint[] MagicText = [0x4F727068, 0x65616E42, 0x65686F6C, 0x64657253, 0x63727944, 0x6F756274];

    /// <summary>A new <c>$2b$</c> hash with a random salt, as <c>htpasswd -B</c> makes it.</summary>
    public static string Hash(string password, int cost)
    {
        var salt = Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var template = $"$2b${cost:D2}${salt}{new string('.', 31)}";
        return Rehash(template, password)!;
    }

    /// <summary>The full hash string for a password and an existing hash's prefix and salt, or null when the hash is malformed.</summary>
    public static string? Rehash(string hash, string password)
    {
        // $2b$10$ + 22 salt characters + 31 hash characters
        if (hash.Length != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$'
            || hash[2] is not ('a' or 'b' or 'y')
            || !int.TryParse(hash.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cost)
            || cost is < 4 or > 31)
        {
            return null;
        }

        var salt = Decode(hash.AsSpan(7, 22), 16);
        if (salt is null)
        {
            return null;
        }

        var key = Encoding.UTF8.GetBytes(password + "\0");
        if (key.Length > 72)
        {
            key = key[..72];
        }

        var digest = Compute(key, salt, cost);
        return string.Concat(hash.AsSpan(0, 29), Encode(digest.AsSpan(0, 23)));
    }

    private static byte[] Compute(byte[] key, byte[] salt, int cost)
    {
        var p = (uint[])BlowfishTables.P.Clone();
        var s = new uint[1024];
        BlowfishTables.S0.CopyTo(s, 0);
        BlowfishTables.S1.CopyTo(s, 256);
        BlowfishTables.S2.CopyTo(s, 512);
        BlowfishTables.S3.CopyTo(s, 768);

        ExpandKey(p, s, key, salt);
        for (long round = 1L << cost; round > 0; round--)
        {
            ExpandKey(p, s, key, null);
            ExpandKey(p, s, salt, null);
        }

        var text = (uint[])MagicText.Clone();
        for (var i = 0; i < 64; i++)
        {
            for (var j = 0; j < text.Length; j += 2)
            {
                Encipher(p, s, ref text[j], ref text[j + 1]);
            }
        }

        var output = new byte[24];
        for (var i = 0; i < text.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(i * 4), text[i]);
        }

        return output;
    }

    private static void ExpandKey(uint[] p, uint[] s, byte[] key, byte[]? salt)
    {
        var keyPos = 0;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] ^= NextWord(key, ref keyPos);
        }

        uint l = 0, r = 0;
        var saltPos = 0;
        for (var i = 0; i < p.Length; i += 2)
        {
            Mix(salt, ref saltPos, ref l, ref r);
            Encipher(p, s, ref l, ref r);
            p[i] = l;
            p[i + 1] = r;
        }

        for (var i = 0; i < s.Length; i += 2)
        {
            Mix(salt, ref saltPos, ref l, ref r);
            Encipher(p, s, ref l, ref r);
            s[i] = l;
            s[i + 1] = r;
        }
    }

    private static void Mix(byte[]? salt, ref int pos, ref uint l, ref uint r)
    {
        if (salt is not null)
        {
            l ^= NextWord(salt, ref pos);
            r ^= NextWord(salt, ref pos);
        }
    }

    private static uint NextWord(byte[] data, ref int pos)
    {
        uint word = 0;
        for (var i = 0; i < 4; i++)
        {
            word = (word << 8) | data[pos];
            pos = (pos + 1) % data.Length;
        }

        return word;
    }

    private static void Encipher(uint[] p, uint[] s, ref uint left, ref uint right)
    {
        var l = left ^ p[0];
        var r = right;
        for (var i = 1; i <= 16; i += 2)
        {
            r ^= F(s, l) ^ p[i];
            l ^= F(s, r) ^ p[i + 1];
        }

        left = r ^ p[17];
        right = l;
    }

    private static uint F(uint[] s, uint x) =>
        ((s[x >> 24] + s[256 + ((x >> 16) & 0xFF)]) ^ s[512 + ((x >> 8) & 0xFF)]) + s[768 + (x & 0xFF)];

    /// <summary>bcrypt's own base64: its alphabet, no padding.</summary>
    private static string Encode(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < data.Length;)
        {
            var c1 = data[i++];
            sb.Append(Alphabet[c1 >> 2]);
            c1 = (byte)((c1 & 0x03) << 4);
            if (i >= data.Length)
            {
                sb.Append(Alphabet[c1]);
                break;
            }

            var c2 = data[i++];
            sb.Append(Alphabet[c1 | (c2 >> 4)]);
            c1 = (byte)((c2 & 0x0F) << 2);
            if (i >= data.Length)
            {
                sb.Append(Alphabet[c1]);
                break;
            }

            c2 = data[i++];
            sb.Append(Alphabet[c1 | (c2 >> 6)]);
            sb.Append(Alphabet[c2 & 0x3F]);
        }

        return sb.ToString();
    }

    private static byte[]? Decode(ReadOnlySpan<char> text, int length)
    {
        var result = new byte[length];
        var bits = 0;
        var buffer = 0;
        var written = 0;
        foreach (var ch in text)
        {
            var value = Alphabet.IndexOf(ch, StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8 && written < length)
            {
                bits -= 8;
                result[written++] = (byte)(buffer >> bits);
            }
        }

        return written == length ? result : null;
    }
}
