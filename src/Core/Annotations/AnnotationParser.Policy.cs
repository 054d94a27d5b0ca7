using CloudIngress.Core.Diagnostics;
using static CloudIngress.Core.Annotations.AnnotationCatalog;

namespace CloudIngress.Core.Annotations;

public static partial class AnnotationParser
{
    private static AnnotationSettings ParsePolicy(AnnotationReader reader, AnnotationSettings settings)
    {
        if (reader.Get(SourceRangeSetting) is { } ranges)
        {
            settings = settings with { SourceRanges = ParseSourceRanges(reader, ranges) };
        }

        settings = ParseAuth(reader, settings);

        if (reader.Get(RewriteTargetSetting) is { } rewrite)
        {
            if (!rewrite.Value.StartsWith('/') || rewrite.Value.Contains('$', StringComparison.Ordinal)
                || rewrite.Value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#'))
            {
                reader.Invalid(rewrite,
                    "expected an absolute path without capture references ($1) or query: the matched prefix is replaced by it");
            }
            else
            {
                settings = settings with { RewriteTarget = rewrite.Value };
            }
        }

        return ParseCanary(reader, settings);
    }

    /// <summary>
    /// Invalid entries are dropped with an error; if none is left the list is empty and admits
    /// nobody. A typo in an allow list must never turn it into "allow everyone".
    /// </summary>
    private static List<string> ParseSourceRanges(AnnotationReader reader, AnnotationValue value)
    {
        var result = new List<string>();
        foreach (var entry in SplitList(value.Value))
        {
            if (!ValueParsers.TryParseCidr(entry, out var cidr, out var hadHostBits))
            {
                reader.Invalid(value with { Value = entry }, "expected a CIDR (10.0.0.0/8, 2001:db8::/32) or an address");
                continue;
            }

            if (hadHostBits)
            {
                reader.Diagnostics.Warning(DiagnosticCodes.SourceRangeNormalized, reader.Owner, value.Field,
                    $"\"{entry}\" has host bits set; it is read as {cidr}");
            }

            if (!result.Contains(cidr))
            {
                result.Add(cidr);
            }
        }

        if (result.Count == 0)
        {
            reader.Diagnostics.Error(DiagnosticCodes.SourceRangeDeniesAll, reader.Owner, value.Field,
                "no valid source range is left: all traffic is refused until it is fixed");
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static AnnotationSettings ParseAuth(AnnotationReader reader, AnnotationSettings settings)
    {
        var type = reader.Get(AuthTypeSetting);
        var secret = reader.Get(AuthSecretSetting);
        var realm = reader.Get(AuthRealmSetting)?.Value ?? "Authentication required";
        if (type is null)
        {
            if (secret is not null)
            {
                reader.Diagnostics.Warning(DiagnosticCodes.AuthIncomplete, reader.Owner, secret.Value.Field,
                    "auth-secret is set without auth-type: basic, so no authentication is applied");
            }

            return settings;
        }

        if (!string.Equals(type.Value.Value, "basic", StringComparison.OrdinalIgnoreCase))
        {
            reader.Invalid(type.Value, "only basic is supported; the route admits nobody until this is fixed");
            return settings with { Auth = new BasicAuthSettings(realm, null) };
        }

        if (secret is null)
        {
            reader.Diagnostics.Error(DiagnosticCodes.AuthIncomplete, reader.Owner, type.Value.Field,
                "auth-type: basic needs auth-secret; the route admits nobody until it is set");
            return settings with { Auth = new BasicAuthSettings(realm, null) };
        }

        if (realm.Any(c => char.IsControl(c) || c == '"'))
        {
            reader.Invalid(reader.Get(AuthRealmSetting)!.Value, "a realm may not contain quotes or control characters");
            realm = "Authentication required";
        }

        return settings with { Auth = new BasicAuthSettings(realm, ParseSecretName(reader, secret.Value)) };
    }

    private static AnnotationSettings ParseCanary(AnnotationReader reader, AnnotationSettings settings)
    {
        if (reader.Get(CanarySetting) is not { } canary)
        {
            return settings;
        }

        if (!ValueParsers.TryParseBool(canary.Value, out var on))
        {
            reader.Invalid(canary, "expected true or false");
            return settings;
        }

        if (!on)
        {
            return settings;
        }

        var weight = 0;
        if (reader.Get(CanaryWeightSetting) is { } w && !ValueParsers.TryParseInt(w.Value, 0, 100, out weight))
        {
            reader.Invalid(w, "expected an integer from 0 to 100");
            weight = 0;
        }

        var header = reader.Get(CanaryHeaderSetting)?.Value;
        if (header is not null && (header.Length == 0 || !header.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            reader.Invalid(reader.Get(CanaryHeaderSetting)!.Value, "expected an HTTP header name");
            header = null;
        }

        var headerValue = header is null ? null : reader.Get(CanaryHeaderValueSetting)?.Value;
        return settings with { Canary = new CanarySettings(weight, header, headerValue) };
    }
}
