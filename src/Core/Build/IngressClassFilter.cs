using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Build;

/// <summary>
/// Which Ingresses are ours: <c>spec.ingressClassName</c>, else the legacy
/// <c>kubernetes.io/ingress.class</c> annotation, else the cluster's default IngressClass.
/// Ingresses of other controllers are skipped without a word: they are not our business.
/// </summary>
internal sealed class IngressClassFilter(SnapshotIndex index, BuildOptions options, DiagnosticBag diagnostics)
{
    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";

    private readonly bool? _defaultIsOurs = DefaultClassIsOurs(index, options);

    public bool IsOurs(Ingress ingress, ObjectRef owner)
    {
        var className = ingress.Spec?.IngressClassName;
        var legacy = ingress.Metadata.Annotations?.GetValueOrDefault(LegacyClassAnnotation);
        if (className is not null)
        {
            if (legacy is not null && !string.Equals(legacy, className, StringComparison.Ordinal))
            {
                diagnostics.Warning(DiagnosticCodes.IngressClassMismatch, owner, $"metadata.annotations[{LegacyClassAnnotation}]",
                    $"differs from spec.ingressClassName \"{className}\"; spec.ingressClassName is used");
            }

            return NamesOurClass(className);
        }

        if (legacy is not null)
        {
            return NamesOurClass(legacy);
        }

        if (_defaultIsOurs is null)
        {
            diagnostics.Warning(DiagnosticCodes.AmbiguousDefaultClass, owner, "spec.ingressClassName",
                "names no class and several IngressClasses of different controllers are marked default; set spec.ingressClassName");
            return false;
        }

        return _defaultIsOurs.Value;
    }

    private bool NamesOurClass(string name) =>
        index.FindClass(name) is { } ingressClass
            ? string.Equals(ingressClass.Spec?.Controller, options.ControllerName, StringComparison.Ordinal)
            : string.Equals(name, options.IngressClassName, StringComparison.Ordinal);

    /// <summary>True or false when the default classes agree; null when ours and another controller's both claim it.</summary>
    private static bool? DefaultClassIsOurs(SnapshotIndex index, BuildOptions options)
    {
        var defaults = index.IngressClasses
            .Where(c => string.Equals(c.Metadata.Annotations?.GetValueOrDefault(IngressClass.IsDefaultClassAnnotation), "true",
                StringComparison.OrdinalIgnoreCase))
            .Select(c => string.Equals(c.Spec?.Controller, options.ControllerName, StringComparison.Ordinal))
            .Distinct()
            .ToList();
        return defaults.Count switch
        {
            0 => false,
            1 => defaults[0],
            _ => null,
        };
    }
}
