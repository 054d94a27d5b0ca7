namespace CloudIngress.Proxy.Engine;

/// <summary>Character classes of RFC 9110 §5.6 and RFC 3986, as lookups on bytes.</summary>
internal static class HttpSyntax
{
    private static readonly bool[] TokenChars = Build(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        || "!#$%&'*+-.^_`|~".Contains(c));

    private static readonly bool[] FieldValueChars = Build(c => c == '\t' || c is >= ' ' and <= '~' || c >= 0x80);

    private static readonly bool[] TargetChars = Build(c => c is > ' ' and <= '~' && c != '#');

    // reg-name, IP literal and port: unreserved, sub-delims, '%', ':', '[' and ']'
    private static readonly bool[] HostChars = Build(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        || "-._~!$&'()*+,;=%:[]".Contains(c));

    public static bool IsToken(ReadOnlySpan<byte> text) => !text.IsEmpty && All(text, TokenChars);

    public static bool IsFieldValue(ReadOnlySpan<byte> text) => All(text, FieldValueChars);

    public static bool IsTarget(ReadOnlySpan<byte> text) => !text.IsEmpty && All(text, TargetChars);

    public static bool IsHost(ReadOnlySpan<byte> text) => All(text, HostChars);

    /// <summary>Optional whitespace (SP, HTAB) removed at both ends.</summary>
    public static ReadOnlySpan<byte> TrimOws(ReadOnlySpan<byte> text) => text.Trim(" \t"u8);

    /// <summary>
    /// 1*DIGIT as a non-negative length; false for empty, signs, whitespace inside, or overflow.
    /// </summary>
    public static bool TryParseLength(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false; // 18 digits cannot overflow a long
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>The value of a hex digit, -1 for any other byte.</summary>
    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool All(ReadOnlySpan<byte> text, bool[] allowed)
    {
        foreach (var b in text)
        {
            if (!allowed[b])
            {
                return false;
            }
        }

        return true;
    }

    private static bool[] Build(Func<char, bool> allowed)
    {
        var table = new bool[256];
        for (var c = 0; c < 256; c++)
        {
            table[c] = allowed((char)c);
        }

        return table;
    }
}
