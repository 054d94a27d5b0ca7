using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>Addresses as numbers, so ranges can be walked in order; IPv4-mapped IPv6 counts as IPv4, as in Go.</summary>
public static class IpAddresses
{
    /// <summary>An address as MetalLB's <c>net.ParseIP</c> reads it: no ports, no scope, no surrounding space.</summary>
    public static IPAddress? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var ip))
        {
            return null;
        }

        // IPAddress.TryParse accepts "1" or "1.2" (inet_aton forms); Go does not.
        if (ip.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return null;
        }

        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }

    public static IpFamily FamilyOf(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork ? IpFamily.IPv4 : IpFamily.IPv6;

    /// <summary>What a Service can hold: one address, or one IPv4 and one IPv6.</summary>
    public static bool IsOneOrPair(IReadOnlyList<IPAddress> addresses) =>
        addresses.Count == 1 || (addresses.Count == 2 && FamilyOf(addresses[0]) != FamilyOf(addresses[1]));

    /// <summary>One address, or a pair the caller has checked is one of each family.</summary>
    public static ServiceFamily FamilyOf(IReadOnlyList<IPAddress> addresses) =>
        addresses.Count == 2 ? ServiceFamily.DualStack : FamilyOf(addresses[0]).AsService();

    public static UInt128 ToNumber(IPAddress ip)
    {
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress FromNumber(UInt128 value, IpFamily family)
    {
        if (family == IpFamily.IPv4)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)value);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, value);
        return new IPAddress(v6);
    }

    /// <summary>IPv4 addresses ending in .0 or .255, which buggy consumer firmware drops (smurf protection); never IPv6.</summary>
    public static bool IsBuggy(IpFamily family, UInt128 value) => family == IpFamily.IPv4 && (byte)value is 0 or 255;

    public static bool IsBuggy(IPAddress ip) => IsBuggy(FamilyOf(ip), ToNumber(ip));
}
