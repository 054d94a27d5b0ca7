namespace CloudIngress.Core.Diagnostics;

/// <summary>
/// One finding tied to the object (and field) that caused it. <see cref="Code"/> doubles as the
/// Kubernetes Event reason, so it is a stable CamelCase word.
/// </summary>
public sealed record Diagnostic(
    DiagnosticSeverity Severity,
    string Code,
    ObjectRef Object,
    string? Field,
    string Message) : IComparable<Diagnostic>
{
    /// <summary>Where the object came from (a manifest file and document), when known.</summary>
    public string? Source { get; init; }

    public int CompareTo(Diagnostic? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Object.CompareTo(other.Object);
        if (c == 0)
        {
            c = string.CompareOrdinal(Field, other.Field);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(Code, other.Code);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(Message, other.Message);
        }

        if (c == 0)
        {
            c = Severity.CompareTo(other.Severity);
        }

        return c != 0 ? c : string.CompareOrdinal(Source, other.Source);
    }

    public override string ToString()
    {
        var where = Field is null ? Object.ToString() : $"{Object} {Field}";
        var origin = Source is null ? string.Empty : $" ({Source})";
        return $"{Severity.ToString().ToLowerInvariant()} {Code}: {where}: {Message}{origin}";
    }
}
