using Microsoft.Extensions.Primitives;

namespace CloudIngress.Proxy.Forwarding;

/// <summary>
/// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus those named in
/// <c>Connection</c>: never forwarded. <c>TE: trailers</c> survives for gRPC, <c>Upgrade</c> for upgrades.
/// </summary>
internal static class HopByHopHeaders
{
    private static readonly HashSet<string> Names = new(Engine.HeaderPolicy.HopByHop, StringComparer.OrdinalIgnoreCase);

    public static bool IsHopByHop(string name) => Names.Contains(name);

    /// <summary>
    /// Extra hop-by-hop names a sender listed in its <c>Connection</c> header, or null. Kestrel
    /// reduces a request's Connection header to "close" when that token is present, so names
    /// listed next to "close" are not visible here.
    /// </summary>
    public static HashSet<string>? Listed(StringValues connection)
    {
        HashSet<string>? listed = null;
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!string.Equals(token, "close", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(token, "keep-alive", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(token, "upgrade", StringComparison.OrdinalIgnoreCase))
                {
                    (listed ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(token);
                }
            }
        }

        return listed;
    }
}
