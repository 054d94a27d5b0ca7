using CloudIngress.Core.Diagnostics;

namespace CloudIngress.Core.Annotations;

/// <summary>A resolved annotation: the canonical value and the key it came from.</summary>
public readonly record struct AnnotationValue(string Value, string Key)
{
    public string Field => $"metadata.annotations[{Key}]";
}

/// <summary>
/// Reads one object's annotations through the catalog: alias precedence, conflicts between
/// aliases, and keys we refuse or do not know.
/// </summary>
public sealed class AnnotationReader(
    IReadOnlyDictionary<string, string>? annotations,
    ObjectRef owner,
    AnnotationScope scope,
    DiagnosticBag diagnostics)
{
    public ObjectRef Owner => owner;

    public DiagnosticBag Diagnostics => diagnostics;

    /// <summary>Setting → the key that supplied it, so diagnostics name what the user wrote.</summary>
    public Dictionary<string, string> UsedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The winning value for a setting, or null when no key expresses one.</summary>
    public AnnotationValue? Get(string setting)
    {
        if (annotations is null || annotations.Count == 0)
        {
            return null;
        }

        var definition = AnnotationCatalog.Get(setting);
        AnnotationValue? winner = null;
        foreach (var key in definition.Keys)
        {
            if (!annotations.TryGetValue(key.Name, out var raw) || key.Canonicalize(raw) is not { } value)
            {
                continue;
            }

            if (winner is null)
            {
                winner = new AnnotationValue(value, key.Name);
                UsedKeys[setting] = key.Name;
            }
            else if (!string.Equals(winner.Value.Value, value, StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Warning(DiagnosticCodes.AnnotationConflict, owner, $"metadata.annotations[{key.Name}]",
                    $"ignored: {winner.Value.Key} is also set, with a different value, and takes precedence");
            }
        }

        return winner;
    }

    /// <summary>Refuses snippets and reports keys that look like ours but are not, or that we do not support.</summary>
    public void CheckKeys()
    {
        if (annotations is null)
        {
            return;
        }

        foreach (var key in annotations.Keys.Order(StringComparer.Ordinal))
        {
            var field = $"metadata.annotations[{key}]";
            if (AnnotationCatalog.SnippetKeys.Contains(key))
            {
                diagnostics.Error(DiagnosticCodes.SnippetRefused, owner, field,
                    "configuration snippets are refused: they inject raw proxy configuration; use the typed annotations instead");
                continue;
            }

            var definition = AnnotationCatalog.FindByKey(key);
            if (definition is not null)
            {
                if ((definition.Scope & scope) == 0)
                {
                    diagnostics.Warning(DiagnosticCodes.AnnotationNotApplicable, owner, field,
                        $"has no effect on this {owner.Kind}; it applies to {definition.Scope}s only");
                }

                continue;
            }

            if (AnnotationPrefixes.Owned.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                diagnostics.Warning(DiagnosticCodes.UnknownAnnotation, owner, field,
                    "unknown annotation (misspelt?); see docs/annotations.md for the keys CloudIngress reads");
            }
            else if (AnnotationPrefixes.Foreign.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                diagnostics.Warning(DiagnosticCodes.UnsupportedAnnotation, owner, field,
                    "is not supported by CloudIngress and has no effect; see docs/annotations.md for the accepted aliases");
            }
        }
    }

    public void Invalid(AnnotationValue value, string expectation) =>
        diagnostics.Error(DiagnosticCodes.InvalidAnnotation, owner, value.Field,
            $"invalid value \"{value.Value}\": {expectation}");
}
