using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Build;

/// <summary>
/// Which Ingresses are ours: <c>spec.ingressClassName</c>, else the legacy
/// <c>kubernetes.io/ingress.class</c> annotation, else the cluster's default IngressClass.
/// The model says nothing of other controllers' Ingresses; the reason given here is for <c>plan</c>.
/// </summary>
internal sealed class IngressClassFilter
{
    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";

    private const string ClassField = "spec.ingressClassName";
    private const string LegacyField = $"metadata.annotations[{LegacyClassAnnotation}]";

    private readonly SnapshotIndex _index;
    private readonly BuildOptions _options;
    private readonly List<IngressClass> _defaults;
    private readonly string _fix;

    public IngressClassFilter(SnapshotIndex index, BuildOptions options)
    {
        _index = index;
        _options = options;
        _defaults = index.IngressClasses
            .Where(c => string.Equals(c.Metadata.Annotations?.GetValueOrDefault(IngressClass.IsDefaultClassAnnotation), "true",
                StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        _fix = Fix(index, options);
    }

    /// <summary>Judges the Ingress and reports the class warnings the build gives on any Ingress, ours or not.</summary>
    public bool IsOurs(Ingress ingress, ObjectRef owner, DiagnosticBag diagnostics)
    {
        var className = ingress.Spec?.IngressClassName;
        var legacy = ingress.Metadata.Annotations?.GetValueOrDefault(LegacyClassAnnotation);
        if (className is not null && legacy is not null && !string.Equals(legacy, className, StringComparison.Ordinal))
        {
            diagnostics.Warning(DiagnosticCodes.IngressClassMismatch, owner, LegacyField,
                $"differs from spec.ingressClassName \"{className}\"; spec.ingressClassName is used");
        }

        var ownership = Judge(ingress);
        if (ownership.IsAmbiguous)
        {
            diagnostics.Warning(DiagnosticCodes.AmbiguousDefaultClass, owner, ClassField,
                "names no class and several IngressClasses of different controllers are marked default; set spec.ingressClassName");
        }

        return ownership.IsOurs;
    }

    public Ownership Judge(Ingress ingress)
    {
        if (ingress.Spec?.IngressClassName is { } className)
        {
            return ByName(className, ClassField);
        }

        if (ingress.Metadata.Annotations?.GetValueOrDefault(LegacyClassAnnotation) is { } legacy)
        {
            return ByName(legacy, LegacyField);
        }

        var others = _defaults.Where(c => !IsOurController(c.Spec?.Controller)).ToList();
        if (_defaults.Count == 0)
        {
            return Ownership.NotOurs(ClassField, $"names no IngressClass and no IngressClass is marked default; {_fix}, "
                + $"or mark an IngressClass with spec.controller: {_options.ControllerName} default "
                + $"({IngressClass.IsDefaultClassAnnotation}: \"true\")");
        }

        if (others.Count == 0)
        {
            return Ownership.Ours;
        }

        return others.Count == _defaults.Count
            ? Ownership.NotOurs(ClassField, $"names no IngressClass, so the default {Describe(others)} applies; {_fix}")
            : Ownership.NotOurs(ClassField, $"names no IngressClass and the defaults belong to different controllers "
                + $"({Describe(_defaults)}); {_fix}") with { IsAmbiguous = true };
    }

    private Ownership ByName(string name, string field)
    {
        if (_index.FindClass(name) is { } ingressClass)
        {
            return IsOurController(ingressClass.Spec?.Controller)
                ? Ownership.Ours
                : Ownership.NotOurs(field, $"names IngressClass \"{name}\", which belongs to {Controller(ingressClass.Spec?.Controller)}; "
                    + $"if this controller should serve it, {_fix}");
        }

        return string.Equals(name, _options.IngressClassName, StringComparison.Ordinal)
            ? Ownership.Ours
            : Ownership.NotOurs(field, $"names class \"{name}\", which is not ours and has no IngressClass saying who serves it; "
                + $"if this controller should serve it, {_fix}");
    }

    /// <summary>How to make an Ingress ours: name one of our controller's IngressClasses, or the standalone name.</summary>
    private static string Fix(SnapshotIndex index, BuildOptions options)
    {
        var ours = index.IngressClasses
            .Where(c => string.Equals(c.Spec?.Controller, options.ControllerName, StringComparison.Ordinal))
            .Select(c => c.Metadata.Name ?? string.Empty)
            .ToList();
        if (index.FindClass(options.IngressClassName) is null)
        {
            ours.Add(options.IngressClassName);
        }

        ours.Sort(StringComparer.Ordinal);
        return ours switch
        {
            [] => $"create an IngressClass with spec.controller: {options.ControllerName} and set spec.ingressClassName to its name",
            [var only] => $"set spec.ingressClassName: {only}",
            _ => $"set spec.ingressClassName to {string.Join(" or ", ours)}",
        };
    }

    private bool IsOurController(string? controller) => string.Equals(controller, _options.ControllerName, StringComparison.Ordinal);

    private static string Controller(string? controller) => controller is null ? "no controller (spec.controller is empty)" : $"controller {controller}";

    private static string Describe(IEnumerable<IngressClass> classes) =>
        string.Join(", ", classes.Select(c => $"IngressClass \"{c.Metadata.Name}\" of {Controller(c.Spec?.Controller)}"));
}
