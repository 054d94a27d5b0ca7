using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// The one header policy of every path: which fields are hop-by-hop (RFC 9110 §7.6.1) and never
/// cross the proxy, which the proxy writes itself, and what the X-Forwarded-* and Forwarded fields
/// say. The engine applies it on bytes; the HttpContext writers (HTTP/2, <c>--kestrel-http1</c>)
/// and the engine's HttpClient path on strings, through the overloads below.
/// </summary>
internal static class HeaderPolicy
{
    /// <summary>Dropped from requests and responses (Host, Transfer-Encoding and Upgrade are written by the proxy itself).</summary>
    public static readonly string[] HopByHop =
    [
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect", "Host",
    ];

    private static readonly HashSet<string> HopByHopNames = new(HopByHop, StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> ConnectionOptions = new(["close", "keep-alive", "upgrade"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Set by the proxy from the client's connection, never passed on from the client (the proxy is the edge).</summary>
    public const string ForwardedPrefix = "X-Forwarded-";

    /// <summary>
    /// RFC 7239's field, dropped like X-Forwarded-*: a backend trusting the first <c>for=</c> would
    /// otherwise believe the client. The proxy writes its own when asked to.
    /// </summary>
    public const string ForwardedField = "Forwarded";

    /// <summary>A request field that the proxy drops or writes itself rather than passing on.</summary>
    public static bool DropFromRequest(ReadOnlySpan<byte> name, ReadOnlySpan<byte> connection) =>
        IsHopByHop(name) || name.Length == 14 && Ascii.EqualsIgnoreCase(name, "Content-Length"u8)
        || name.Length > 12 && Ascii.EqualsIgnoreCase(name[..12], "X-Forwarded-"u8)
        || name.Length == 9 && Ascii.EqualsIgnoreCase(name, "Forwarded"u8)
        || IsListed(connection, name);

    /// <summary>
    /// The same rule on a decoded field name: <paramref name="listed"/> holds the names the
    /// client's Connection field listed. HTTP/2 pseudo-headers (":path") are never fields.
    /// </summary>
    public static bool DropFromRequest(string name, HashSet<string>? listed) =>
        name.StartsWith(':') || HopByHopNames.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Length > ForwardedPrefix.Length && name.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ForwardedField, StringComparison.OrdinalIgnoreCase)
        || (listed?.Contains(name) ?? false);

    /// <summary>
    /// A response field not passed on by a path that frames the body itself (Kestrel's HTTP
    /// stack, or the engine writing an HttpClient answer): every hop-by-hop field, Transfer-Encoding
    /// included, except Upgrade and Connection on a 101. Content-Length is the caller's: it is
    /// kept where the body passes unchanged.
    /// </summary>
    public static bool DropFromReframedResponse(string name, HashSet<string>? listed, bool switching) =>
        (HopByHopNames.Contains(name) && !(switching && (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))))
        || (listed?.Contains(name) ?? false);

    /// <summary>The fields the proxy sets about the client's connection, in the order every path writes them.</summary>
    public static IEnumerable<(string Name, string Value)> ForwardedFields(IPAddress? client, bool https, string host, int listenerPort, bool addForwarded)
    {
        if (client is not null)
        {
            yield return ("X-Forwarded-For", client.ToString());
        }

        yield return ("X-Forwarded-Proto", https ? "https" : "http");
        yield return ("X-Forwarded-Host", host);
        yield return ("X-Forwarded-Port", listenerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (addForwarded)
        {
            yield return (ForwardedField, Forwarded(client, https, host));
        }
    }

    /// <summary>RFC 7239: an IPv6 node is bracketed and quoted; an unknown client says so.</summary>
    public static string Forwarded(IPAddress? client, bool https, string host)
    {
        var forFor = client?.AddressFamily == AddressFamily.InterNetworkV6 ? $"\"[{client}]\"" : client?.ToString() ?? "unknown";
        return $"for={forFor};proto={(https ? "https" : "http")};host=\"{host}\"";
    }

    /// <summary>The names a sender listed in its Connection field (other than close, keep-alive and upgrade), or null.</summary>
    public static HashSet<string>? Listed(IEnumerable<string?> connection)
    {
        HashSet<string>? listed = null;
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!ConnectionOptions.Contains(token))
                {
                    (listed ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(token);
                }
            }
        }

        return listed;
    }

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
            if (token.Length == name.Length && Ascii.EqualsIgnoreCase(token, name) && !IsConnectionOption(token))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConnectionOption(ReadOnlySpan<byte> token) =>
        Ascii.EqualsIgnoreCase(token, "close"u8) || Ascii.EqualsIgnoreCase(token, "keep-alive"u8) || Ascii.EqualsIgnoreCase(token, "upgrade"u8);

    private static bool IsUpgradeOrConnection(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "Upgrade"u8) || Ascii.EqualsIgnoreCase(name, "Connection"u8);
}
