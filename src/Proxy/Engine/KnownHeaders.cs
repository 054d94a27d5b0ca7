using System.Text;

namespace CloudIngress.Proxy.Engine;

internal enum KnownHeader
{
    Other,
    Host,
    ContentLength,
    TransferEncoding,
    Connection,
    Upgrade,
    Expect,
    Date,
}

/// <summary>The fields that decide framing and connection handling (and a response's Date), recognised without strings.</summary>
internal static class KnownHeaders
{
    public static KnownHeader Of(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when Ascii.EqualsIgnoreCase(name, "Host"u8) => KnownHeader.Host,
        4 when Ascii.EqualsIgnoreCase(name, "Date"u8) => KnownHeader.Date,
        6 when Ascii.EqualsIgnoreCase(name, "Expect"u8) => KnownHeader.Expect,
        7 when Ascii.EqualsIgnoreCase(name, "Upgrade"u8) => KnownHeader.Upgrade,
        10 when Ascii.EqualsIgnoreCase(name, "Connection"u8) => KnownHeader.Connection,
        14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8) => KnownHeader.ContentLength,
        17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8) => KnownHeader.TransferEncoding,
        _ => KnownHeader.Other,
    };
}
