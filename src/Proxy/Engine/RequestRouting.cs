using CloudIngress.Proxy.Routing;
using System.Buffers;

namespace CloudIngress.Proxy.Engine;

/// <summary>
/// Looks a parsed head up in a listener's route table with the table's own precedence (host
/// exact → wildcard → catch-all, then the first matching path), from the head's bytes through
/// stack buffers: nothing is allocated for usual hosts and paths.
/// </summary>
internal static class RequestRouting
{
    private const int StackHost = 256;

    /// <summary>False when the path does not decode (not UTF-8): a 400.</summary>
    public static bool TryMatch(HostTable table, RequestHead head, out CompiledRoute? route)
    {
        var host = RoutingKey.HostWithoutPort(head.Host);
        var path = head.Path;
        char[]? rentedHost = null;
        char[]? rentedPath = null;
        byte[]? rentedScratch = null;
        try
        {
            var hostChars = host.Length <= StackHost ? stackalloc char[StackHost] : (rentedHost = ArrayPool<char>.Shared.Rent(host.Length));
            var pathChars = path.Length <= RoutingKey.StackPath ? stackalloc char[RoutingKey.StackPath] : (rentedPath = ArrayPool<char>.Shared.Rent(path.Length));
            var scratch = path.Length <= RoutingKey.StackPath ? stackalloc byte[RoutingKey.StackPath] : (rentedScratch = ArrayPool<byte>.Shared.Rent(path.Length));
            route = null;
            if (!RoutingKey.TryPath(path, scratch, pathChars, out var written))
            {
                return false;
            }

            route = table.Match(RoutingKey.Host(host, hostChars), pathChars[..written]);
            return true;
        }
        finally
        {
            Return(rentedHost);
            Return(rentedPath);
            if (rentedScratch is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedScratch);
            }
        }
    }

    /// <summary>The decoded, normalized path as a string, for the access log and rewrites (which allocate anyway).</summary>
    public static string PathString(RequestHead head)
    {
        var path = head.Path;
        var scratch = new byte[path.Length];
        var chars = new char[path.Length];
        return RoutingKey.TryPath(path, scratch, chars, out var written) ? new string(chars, 0, written) : "/";
    }

    private static void Return(char[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
