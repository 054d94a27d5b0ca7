using System.Globalization;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>
/// One entry of a pool's <c>spec.addresses</c>: a CIDR (every address of the network, its first
/// and last included, as MetalLB walks it) or a range <c>a-b</c>. Walked from first to last.
/// </summary>
public sealed record AddressRange(IpFamily Family, UInt128 First, UInt128 Last)
{
    public string Text { get; init; } = string.Empty;

    /// <summary>How many addresses it holds (saturating for the largest IPv6 ranges).</summary>
    public UInt128 Size => Last - First == UInt128.MaxValue ? UInt128.MaxValue : Last - First + 1;

    /// <summary>Reads a CIDR or a range as MetalLB does; the error says why it is refused.</summary>
    public static AddressRange? Parse(string text, out string? error)
    {
        error = null;
        if (!text.Contains('-', StringComparison.Ordinal))
        {
            return ParseCidr(text, out error);
        }

        var bounds = text.Split('-', 2);
        var start = IpAddresses.Parse(bounds[0].Trim());
        var end = IpAddresses.Parse(bounds[1].Trim());
        if (start is null || end is null)
        {
            error = $"\"{text}\" is not a range: \"{(start is null ? bounds[0] : bounds[1]).Trim()}\" is not an IP address";
            return null;
        }

        if (IpAddresses.FamilyOf(start) != IpAddresses.FamilyOf(end))
        {
            error = $"\"{text}\" mixes IPv4 and IPv6";
            return null;
        }

        var (first, last) = (IpAddresses.ToNumber(start), IpAddresses.ToNumber(end));
        if (first > last)
        {
            error = $"\"{text}\": the start address is after the end address";
            return null;
        }

        return new AddressRange(IpAddresses.FamilyOf(start), first, last) { Text = text };
    }

    public bool Contains(IPAddress ip) => IpAddresses.FamilyOf(ip) == Family && IpAddresses.ToNumber(ip) is var n && n >= First && n <= Last;

    public bool Overlaps(AddressRange other) => Family == other.Family && First <= other.Last && other.First <= Last;

    public IPAddress At(UInt128 value) => IpAddresses.FromNumber(value, Family);

    private static AddressRange? ParseCidr(string text, out string? error)
    {
        error = $"\"{text}\" is neither a CIDR nor a range a-b";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || IpAddresses.Parse(text[..slash]) is not { } ip
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return null;
        }

        var family = IpAddresses.FamilyOf(ip);
        var bits = family == IpFamily.IPv4 ? 32 : 128;
        if (length > bits || (family == IpFamily.IPv4 && text[..slash].Contains(':', StringComparison.Ordinal)))
        {
            return null;
        }

        error = null;
        var host = length == 0 ? (bits == 128 ? UInt128.MaxValue : uint.MaxValue) : (UInt128.One << (bits - length)) - 1;
        var network = IpAddresses.ToNumber(ip) & ~host;
        return new AddressRange(family, network, network | host) { Text = text };
    }
}
