using CloudIngress.Core.Annotations;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudIngress.Proxy.Tls;

/// <summary>
/// The PROXY protocol header (HAProxy spec v1 text, v2 binary) sent ahead of spliced bytes so the
/// backend learns the client's address.
/// </summary>
public static class ProxyProtocolHeader
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] Create(ProxyProtocolVersion version, EndPoint? source, EndPoint? destination)
    {
        var src = Normalize(source as IPEndPoint);
        var dst = Normalize(destination as IPEndPoint);
        var known = src is not null && dst is not null && src.AddressFamily == dst.AddressFamily;
        return version == ProxyProtocolVersion.V1 ? V1(known ? src : null, dst) : V2(known ? src : null, dst);
    }

    private static byte[] V1(IPEndPoint? src, IPEndPoint? dst)
    {
        if (src is null || dst is null)
        {
            return Encoding.ASCII.GetBytes("PROXY UNKNOWN\r\n");
        }

        var family = src.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return Encoding.ASCII.GetBytes($"PROXY {family} {src.Address} {dst.Address} {src.Port} {dst.Port}\r\n");
    }

    private static byte[] V2(IPEndPoint? src, IPEndPoint? dst)
    {
        if (src is null || dst is null)
        {
            // LOCAL command: no address information.
            return [.. V2Signature, 0x20, 0x00, 0x00, 0x00];
        }

        var ipv4 = src.AddressFamily == AddressFamily.InterNetwork;
        var addresses = ipv4 ? 12 : 36;
        var header = new byte[16 + addresses];
        V2Signature.CopyTo(header, 0);
        header[12] = 0x21; // version 2, PROXY command
        header[13] = ipv4 ? (byte)0x11 : (byte)0x21; // TCP over IPv4 / IPv6
        header[14] = 0;
        header[15] = (byte)addresses;
        var offset = 16;
        src.Address.GetAddressBytes().CopyTo(header, offset);
        offset += ipv4 ? 4 : 16;
        dst.Address.GetAddressBytes().CopyTo(header, offset);
        offset += ipv4 ? 4 : 16;
        header[offset] = (byte)(src.Port >> 8);
        header[offset + 1] = (byte)src.Port;
        header[offset + 2] = (byte)(dst.Port >> 8);
        header[offset + 3] = (byte)dst.Port;
        return header;
    }

    private static IPEndPoint? Normalize(IPEndPoint? endpoint) =>
        endpoint is { Address.IsIPv4MappedToIPv6: true } ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
}
