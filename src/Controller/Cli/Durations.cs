using System.Globalization;

namespace CloudIngress.Controller.Cli;

/// <summary>Durations as operators write them in flags: <c>90s</c>, <c>10m</c>, <c>1h</c> (a bare number is seconds).</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var (number, unit) = text.Length > 0 && char.IsLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 's');
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        TimeSpan? parsed = unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => null,
        };
        duration = parsed ?? default;
        return parsed is not null;
    }
}
