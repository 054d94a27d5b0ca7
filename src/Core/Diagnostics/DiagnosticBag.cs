namespace CloudIngress.Core.Diagnostics;

/// <summary>Collects diagnostics during a build; not thread-safe, one per build.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public int Count => _items.Count;

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void Error(string code, ObjectRef obj, string? field, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Error, code, obj, field, message));

    public void Warning(string code, ObjectRef obj, string? field, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Warning, code, obj, field, message));

    public void Info(string code, ObjectRef obj, string? field, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Info, code, obj, field, message));

    /// <summary>Sorted, duplicates removed: the same finding reached twice is reported once.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList()
    {
        var sorted = new List<Diagnostic>(_items);
        sorted.Sort();
        var unique = new List<Diagnostic>(sorted.Count);
        foreach (var d in sorted)
        {
            if (unique.Count == 0 || unique[^1] != d)
            {
                unique.Add(d);
            }
        }

        return unique;
    }
}
