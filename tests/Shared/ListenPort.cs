using System.Net;
using System.Net.Sockets;

namespace CloudIngress.Tests;

/// <summary>
/// A free loopback port for a listener the code under test opens itself (an L4 Service port).
/// Picked below the ephemeral range: a port the kernel handed out for port 0 can be handed out
/// again, meanwhile, as the source port of some test's outgoing connection, and then the bind
/// fails; a port outside that range is only taken by another listener, which the probe sees.
/// </summary>
internal static class ListenPort
{
    private const int Lowest = 20000;

    public static int Get()
    {
        var below = EphemeralLow();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }

        throw new InvalidOperationException($"no free port between {Lowest} and {below}");
    }

    private static int EphemeralLow()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > Lowest + 1000
            ? low
            : 32768;
    }
}
