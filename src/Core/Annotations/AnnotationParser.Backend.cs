using CloudIngress.Core.Diagnostics;
using static CloudIngress.Core.Annotations.AnnotationCatalog;

namespace CloudIngress.Core.Annotations;

public static partial class AnnotationParser
{
    private static AnnotationSettings ParseBackend(AnnotationReader reader, AnnotationSettings settings)
    {
        if (reader.Get(BackendProtocolSetting) is { } protocol)
        {
            settings = settings with
            {
                BackendProtocol = ParseEnum<BackendProtocol?>(reader, protocol, null, ("HTTP", BackendProtocol.Http),
                    ("HTTPS", BackendProtocol.Https), ("GRPC", BackendProtocol.Grpc), ("GRPCS", BackendProtocol.Grpcs)),
            };
        }

        if (reader.Get(BackendCaSecretSetting) is { } ca)
        {
            settings = settings with { BackendCaSecret = ParseSecretName(reader, ca) };
        }

        if (reader.Get(BackendSniSetting) is { } sni)
        {
            var host = sni.Value.ToLowerInvariant();
            if (ValueParsers.IsDnsSubdomain(host))
            {
                settings = settings with { BackendSni = host };
            }
            else
            {
                reader.Invalid(sni, "expected a DNS name");
            }
        }

        if (reader.Get(BackendTlsVerifySetting) is { } verify)
        {
            if (!ValueParsers.TryParseBool(verify.Value, out var on))
            {
                reader.Invalid(verify, "expected true or false");
            }
            else if (!on)
            {
                settings = settings with { BackendTlsVerify = false };
                reader.Diagnostics.Warning(DiagnosticCodes.BackendTlsUnverified, reader.Owner, verify.Field,
                    "backend certificates are not verified: anyone on the path to the pods can impersonate them");
            }
        }

        if (reader.Get(LoadBalancingSetting) is { } lb)
        {
            settings = settings with
            {
                LoadBalancing = ParseEnum(reader, lb, settings.LoadBalancing, ("round-robin", LoadBalancingPolicy.RoundRobin),
                    ("least-request", LoadBalancingPolicy.LeastRequest), ("random-two", LoadBalancingPolicy.RandomTwo)),
            };
        }

        if (reader.Get(ProxyProtocolSetting) is { } pp)
        {
            var value = pp.Value.ToLowerInvariant() switch
            {
                "true" => "v2",
                "false" => "none",
                var other => other,
            };
            settings = settings with
            {
                ProxyProtocol = ParseEnum(reader, pp with { Value = value }, settings.ProxyProtocol,
                    ("none", ProxyProtocolVersion.None), ("v1", ProxyProtocolVersion.V1), ("v2", ProxyProtocolVersion.V2)),
            };
        }

        if (reader.Get(TargetTypeSetting) is { } targetType)
        {
            settings = settings with
            {
                TargetType = ParseEnum(reader, targetType, settings.TargetType, ("ip", TargetType.Ip), ("instance", TargetType.Instance)),
            };
        }

        settings = settings with
        {
            RequestTimeout = ParseDuration(reader, RequestTimeoutSetting) ?? settings.RequestTimeout,
            ConnectTimeout = ParseDuration(reader, ConnectTimeoutSetting) ?? settings.ConnectTimeout,
        };

        if (reader.Get(BodySizeSetting) is { } size)
        {
            if (ValueParsers.TryParseSize(size.Value, out var bytes))
            {
                settings = settings with { MaxRequestBodyBytes = bytes };
            }
            else
            {
                reader.Invalid(size, "expected a size like 8m, 512k, 1g or a number of bytes (0 = unlimited)");
            }
        }

        return settings;
    }

    private static TimeSpan? ParseDuration(AnnotationReader reader, string setting)
    {
        if (reader.Get(setting) is not { } value)
        {
            return null;
        }

        if (ValueParsers.TryParseDuration(value.Value, out var duration))
        {
            return duration;
        }

        reader.Invalid(value, "expected a duration like 30s, 500ms or 2m (more than 0, at most 24h)");
        return null;
    }

    /// <summary>
    /// A secret in the object's own namespace: <c>name</c>, or <c>namespace/name</c> naming the
    /// same namespace. Other namespaces are refused: a reference must not reach another tenant's secrets.
    /// </summary>
    private static string? ParseSecretName(AnnotationReader reader, AnnotationValue value)
    {
        var parts = value.Value.Split('/');
        var name = parts[^1];
        if (parts.Length > 2 || !ValueParsers.IsDnsSubdomain(name))
        {
            reader.Invalid(value, "expected a Secret name, or namespace/name");
            return null;
        }

        if (parts.Length == 2 && !string.Equals(parts[0], reader.Owner.Namespace, StringComparison.Ordinal))
        {
            reader.Diagnostics.Error(DiagnosticCodes.CrossNamespaceSecret, reader.Owner, value.Field,
                $"refers to a Secret in namespace \"{parts[0]}\"; only Secrets in the {reader.Owner.Kind}'s own namespace may be used");
            return null;
        }

        return name;
    }
}
