namespace CloudIngress.Core.Model;

/// <summary>
/// Secret material (private keys, password hashes). Compared by value so models stay comparable,
/// but never printed: <see cref="ToString"/> is redacted and the JSON model leaves it out.
/// </summary>
public sealed class SensitiveText(string value) : IEquatable<SensitiveText>
{
    public string Reveal() => value;

    public bool Equals(SensitiveText? other) => other is not null && string.Equals(value, other.Reveal(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SensitiveText);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(value);

    public override string ToString() => "(redacted)";
}
