using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CloudIngress.Core.Annotations;

/// <summary>Parsers for annotation value syntaxes; each returns false rather than throwing.</summary>
public static partial class ValueParsers
{
    public static bool TryParseBool(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "true":
                result = true;
                return true;
            case "false":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    public static bool TryParseInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result)
        && result >= min && result <= max;

    /// <summary><c>30s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, or a bare number of seconds.</summary>
    public static bool TryParseDuration(string value, out TimeSpan result)
    {
        result = default;
        var (digits, unit) = SplitUnit(value);
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        double? ms = unit switch
        {
            "" or "s" => number * 1000,
            "ms" => number,
            "m" => number * 60_000,
            "h" => number * 3_600_000,
            _ => null,
        };
        if (ms is not { } milliseconds || milliseconds <= 0 || milliseconds > TimeSpan.FromDays(1).TotalMilliseconds)
        {
            return false;
        }

        result = TimeSpan.FromMilliseconds(Math.Round(milliseconds));
        return true;
    }

    /// <summary>nginx size syntax: <c>8m</c>, <c>512k</c>, <c>1g</c>, bare bytes; 0 means unlimited.</summary>
    public static bool TryParseSize(string value, out long bytes)
    {
        bytes = 0;
        var (digits, unit) = SplitUnit(value);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        long? multiplier = unit switch
        {
            "" => 1,
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            _ => null,
        };
        if (multiplier is not { } m || number > long.MaxValue / m)
        {
            return false;
        }

        bytes = number * m;
        return true;
    }

    /// <summary>
    /// A CIDR or a bare address, returned in canonical form (host bits cleared, bare addresses as
    /// /32 or /128). <paramref name="hadHostBits"/> tells the caller the input was not canonical.
    /// </summary>
    public static bool TryParseCidr(string value, out string canonical, out bool hadHostBits)
    {
        canonical = string.Empty;
        hadHostBits = false;
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? value : value[..slash];
        if (!TryParseIp(addressText, out var address))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && !TryParseInt(value[(slash + 1)..], 0, bits, out prefix))
        {
            return false;
        }

        var network = new IPNetwork(Mask(address, prefix), prefix);
        hadHostBits = !network.BaseAddress.Equals(address);
        canonical = network.ToString();
        return true;
    }

    /// <summary>
    /// A literal address: four dotted decimal octets or IPv6 without zone. The BCL parser also takes
    /// legacy short forms ("10" is 0.0.0.10, "10.0.0" is 10.0.0.0) that would silently widen an allow list.
    /// </summary>
    public static bool TryParseIp(string value, out IPAddress address)
    {
        address = IPAddress.None;
        var ipv6 = value.Contains(':', StringComparison.Ordinal);
        if (ipv6 ? value.Contains('%', StringComparison.Ordinal) : !DottedQuad().IsMatch(value))
        {
            return false;
        }

        return IPAddress.TryParse(value, out address!);
    }

    /// <summary>ALB <c>listen-ports</c>: a JSON array of single-key objects, HTTP or HTTPS to a port.</summary>
    public static bool TryParseListenPorts(string value, out IReadOnlyList<ListenPort> ports, out string error)
    {
        ports = [];
        error = "expected a JSON array like [{\"HTTP\": 80}, {\"HTTPS\": 443}]";
        var result = new List<ListenPort>();
        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                return false;
            }

            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (var property in entry.EnumerateObject())
                {
                    var https = property.Name.ToUpperInvariant() switch
                    {
                        "HTTP" => false,
                        "HTTPS" => true,
                        _ => (bool?)null,
                    };
                    if (https is null || property.Value.ValueKind != JsonValueKind.Number
                        || !property.Value.TryGetInt32(out var port) || port is < 1 or > 65535)
                    {
                        error = $"entry \"{property.Name}\": {property.Value} is not HTTP or HTTPS to a port 1-65535";
                        return false;
                    }

                    if (result.Any(p => p.Port == port))
                    {
                        error = $"port {port} is listed twice";
                        return false;
                    }

                    result.Add(new ListenPort(https.Value, port));
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        ports = result;
        return result.Count > 0;
    }

    /// <summary>
    /// A DNS-1123 subdomain, as the API server requires for object names
    /// (lowercase alphanumerics, '-' and '.', at most 253 characters).
    /// </summary>
    public static bool IsDnsSubdomain(string value) =>
        value.Length is > 0 and <= 253
        && value.Split('.').All(IsDnsLabel);

    /// <summary>A DNS-1123 label: at most 63 lowercase alphanumerics or '-', alphanumeric at both ends.</summary>
    public static bool IsDnsLabel(string value) =>
        value.Length is > 0 and <= 63
        && char.IsAsciiLetterLower(value[0]) | char.IsAsciiDigit(value[0])
        && char.IsAsciiLetterLower(value[^1]) | char.IsAsciiDigit(value[^1])
        && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial System.Text.RegularExpressions.Regex DottedQuad();

    private static (string Digits, string Unit) SplitUnit(string value)
    {
        var text = value.Trim().ToLowerInvariant();
        var end = text.Length;
        while (end > 0 && char.IsAsciiLetter(text[end - 1]))
        {
            end--;
        }

        return (text[..end], text[end..]);
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
