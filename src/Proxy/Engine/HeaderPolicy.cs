using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// Which fields are hop-by-hop (RFC 9110 §7.6.1) and never cross the proxy, on bytes. The names
/// are the same list <see cref="Forwarding.HopByHopHeaders"/> uses for the HttpContext path.
/// </summary>
internal static class HeaderPolicy
{
    /// <summary>Dropped from requests and responses (Host, Transfer-Encoding and Upgrade are written by the proxy itself).</summary>
    public static readonly string[] HopByHop =
    [
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect", "Host",
    ];

    /// <summary>A request field that the proxy drops or writes itself rather than passing on.</summary>
    public static bool DropFromRequest(ReadOnlySpan<byte> name, ReadOnlySpan<byte> connection) =>
        IsHopByHop(name) || name.Length == 14 && Ascii.EqualsIgnoreCase(name, "Content-Length"u8)
        || name.Length > 12 && Ascii.EqualsIgnoreCase(name[..12], "X-Forwarded-"u8)
        || IsListed(connection, name);

    /// <summary>
    /// A response field not passed to the client. The body is passed as framed, so Content-Length
    /// and Transfer-Encoding stay; Upgrade stays on a 101.
    /// </summary>
    public static bool DropFromResponse(ReadOnlySpan<byte> name, ReadOnlySpan<byte> connection, bool switching) =>
        (IsHopByHop(name) && !Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8) && !(switching && IsUpgradeOrConnection(name)))
        || IsListed(connection, name);

    public static bool IsHopByHop(ReadOnlySpan<byte> name)
    {
        foreach (var hop in HopByHop)
        {
            if (name.Length == hop.Length && Ascii.EqualsIgnoreCase(name, hop))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Named in the Connection field (other than its own options close, keep-alive and upgrade).</summary>
    public static bool IsListed(ReadOnlySpan<byte> connection, ReadOnlySpan<byte> name)
    {
        foreach (var range in connection.Split((byte)','))
        {
            var token = HttpSyntax.TrimOws(connection[range]);
            if (token.Length == name.Length && Ascii.EqualsIgnoreCase(token, name)
                && !Ascii.EqualsIgnoreCase(token, "close"u8) && !Ascii.EqualsIgnoreCase(token, "keep-alive"u8) && !Ascii.EqualsIgnoreCase(token, "upgrade"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUpgradeOrConnection(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "Upgrade"u8) || Ascii.EqualsIgnoreCase(name, "Connection"u8);
}
