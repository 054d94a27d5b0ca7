using System.Globalization;

namespace CloudIngress.Core.Providers;

/// <summary>The values of a provider's flags as given (flag, then environment twin, then default); absent when none.</summary>
public sealed class ProviderOptionValues(IReadOnlyDictionary<string, string> values)
{
    public static readonly ProviderOptionValues None = new(new Dictionary<string, string>());

    public string? String(ProviderOption option) => values.TryGetValue(option.Flag, out var value) && value.Length > 0 ? value : option.Default;

    public int Int(ProviderOption option) =>
        int.Parse(String(option) ?? "0", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public bool Bool(ProviderOption option) => String(option) is { } value && (value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Comma-separated values, trimmed, empty entries dropped.</summary>
    public IReadOnlyList<string> List(ProviderOption option) =>
        String(option)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
