using System.Buffers;

namespace CloudIngress.Proxy.Engine;

/// <summary>Character classes of RFC 9110 §5.6 and RFC 3986, as lookups on bytes.</summary>
internal static class HttpSyntax
{
    private static readonly SearchValues<byte> TokenChars = Build(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        || "!#$%&'*+-.^_`|~".Contains(c));

    private static readonly SearchValues<byte> FieldValueChars = Build(c => c == '\t' || c is >= ' ' and <= '~' || c >= 0x80);

    private static readonly SearchValues<byte> TargetChars = Build(c => c is > ' ' and <= '~' && c != '#');

    // reg-name, IP literal and port: unreserved, sub-delims, '%', ':', '[' and ']'
    private static readonly SearchValues<byte> HostChars = Build(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
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

    // Vectorised: a head's bytes are checked many at a time.
    private static bool All(ReadOnlySpan<byte> text, SearchValues<byte> allowed) => !text.ContainsAnyExcept(allowed);

    private static SearchValues<byte> Build(Func<char, bool> allowed) =>
        SearchValues.Create(Enumerable.Range(0, 256).Where(c => allowed((char)c)).Select(c => (byte)c).ToArray());
}
