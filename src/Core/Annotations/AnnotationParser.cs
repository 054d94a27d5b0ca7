using CloudIngress.Core.Diagnostics;
using static CloudIngress.Core.Annotations.AnnotationCatalog;

namespace CloudIngress.Core.Annotations;

/// <summary>Turns an object's annotations into <see cref="AnnotationSettings"/>, reporting bad values.</summary>
public static partial class AnnotationParser
{
    public const int DefaultHttpsPort = 443;

    public static AnnotationSettings Parse(
        IReadOnlyDictionary<string, string>? annotations,
        ObjectRef owner,
        AnnotationScope scope,
        DiagnosticBag diagnostics)
    {
        if (annotations is null || annotations.Count == 0)
        {
            return AnnotationSettings.Default;
        }

        var reader = new AnnotationReader(annotations, owner, scope, diagnostics);
        reader.CheckKeys();
        var settings = AnnotationSettings.Default;
        settings = ParseRouting(reader, settings);
        settings = ParseBackend(reader, settings);
        settings = ParsePolicy(reader, settings);
        settings = ParseHealthCheck(reader, settings);
        settings = ParseAddress(reader, settings);
        return settings with { Keys = reader.UsedKeys };
    }

    private static AnnotationSettings ParseRouting(AnnotationReader reader, AnnotationSettings settings)
    {
        if (reader.Get(TlsModeSetting) is { } mode)
        {
            settings = settings with
            {
                TlsMode = ParseEnum(reader, mode, settings.TlsMode, ("offload", TlsMode.Offload),
                    ("passthrough", TlsMode.Passthrough), ("bridge", TlsMode.Bridge)),
            };
        }

        if (reader.Get(GroupSetting) is { } group)
        {
            if (group.Value.Length <= 63 && ValueParsers.IsDnsSubdomain(group.Value))
            {
                settings = settings with { Group = group.Value };
            }
            else
            {
                reader.Invalid(group, "a group name is at most 63 lowercase letters, digits, '-' or '.', alphanumeric at both ends");
            }
        }

        if (reader.Get(GroupOrderSetting) is { } order)
        {
            if (ValueParsers.TryParseInt(order.Value, -1000, 1000, out var value))
            {
                settings = settings with { GroupOrder = value };
            }
            else
            {
                reader.Invalid(order, "expected an integer from -1000 to 1000");
            }
        }

        if (reader.Get(SchemeSetting) is { } scheme)
        {
            settings = settings with
            {
                Scheme = ParseEnum(reader, scheme, settings.Scheme, ("internet-facing", LoadBalancerScheme.InternetFacing),
                    ("internal", LoadBalancerScheme.Internal)),
            };
        }

        if (reader.Get(SslRedirectSetting) is { } redirect)
        {
            if (ValueParsers.TryParseBool(redirect.Value, out var on))
            {
                settings = settings with { SslRedirectPort = on ? DefaultHttpsPort : null };
            }
            else if (ValueParsers.TryParseInt(redirect.Value, 1, 65535, out var port))
            {
                settings = settings with { SslRedirectPort = port };
            }
            else
            {
                reader.Invalid(redirect, "expected true, false or the HTTPS port to redirect to");
            }
        }

        if (reader.Get(ListenPortsSetting) is { } listen)
        {
            if (ValueParsers.TryParseListenPorts(listen.Value, out var ports, out var error))
            {
                settings = settings with { ListenPorts = ports };
            }
            else
            {
                reader.Invalid(listen, error);
            }
        }

        if (reader.Get(CertificateArnSetting) is { } arns)
        {
            var list = SplitList(arns.Value);
            var bad = list.Where(a => !a.StartsWith("arn:", StringComparison.Ordinal)).ToList();
            if (bad.Count > 0)
            {
                reader.Invalid(arns with { Value = bad[0] }, "not an ARN (expected arn:aws:acm:region:account:certificate/id)");
            }

            settings = settings with { CertificateArns = list.Except(bad).ToList() };
        }

        return settings;
    }

    private static T ParseEnum<T>(AnnotationReader reader, AnnotationValue value, T fallback, params (string Name, T Value)[] choices)
    {
        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, value.Value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        reader.Invalid(value, "expected one of " + string.Join(", ", choices.Select(c => c.Name)));
        return fallback;
    }

    private static List<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
