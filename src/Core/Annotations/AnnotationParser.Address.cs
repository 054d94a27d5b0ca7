using CloudIngress.Core.Diagnostics;
using static CloudIngress.Core.Annotations.AnnotationCatalog;

namespace CloudIngress.Core.Annotations;

public static partial class AnnotationParser
{
    private static AnnotationSettings ParseHealthCheck(AnnotationReader reader, AnnotationSettings settings)
    {
        var hc = new HealthCheckSettings();
        var any = false;
        if (reader.Get(HealthCheckPathSetting) is { } path)
        {
            any = true;
            if (path.Value.StartsWith('/') && !path.Value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                hc = hc with { Path = path.Value };
            }
            else
            {
                reader.Invalid(path, "expected an absolute path");
            }
        }

        if (reader.Get(HealthCheckPortSetting) is { } port)
        {
            any = true;
            if (ValueParsers.TryParseInt(port.Value, 1, 65535, out var number))
            {
                hc = hc with { Port = number };
            }
            else if (!string.Equals(port.Value, "traffic-port", StringComparison.OrdinalIgnoreCase))
            {
                reader.Invalid(port, "expected traffic-port or a port number 1-65535");
            }
        }

        if (reader.Get(HealthCheckProtocolSetting) is { } protocol)
        {
            any = true;
            var upper = protocol.Value.ToUpperInvariant();
            if (upper is "HTTP" or "HTTPS" or "TCP")
            {
                hc = hc with { Protocol = upper };
            }
            else
            {
                reader.Invalid(protocol, "expected HTTP, HTTPS or TCP");
            }
        }

        hc = hc with
        {
            IntervalSeconds = Int(reader, HealthCheckIntervalSetting, 5, 300, hc.IntervalSeconds, ref any),
            TimeoutSeconds = Int(reader, HealthCheckTimeoutSetting, 2, 120, hc.TimeoutSeconds, ref any),
            HealthyThreshold = Int(reader, HealthyThresholdSetting, 2, 10, hc.HealthyThreshold, ref any),
            UnhealthyThreshold = Int(reader, UnhealthyThresholdSetting, 2, 10, hc.UnhealthyThreshold, ref any),
        };

        if (reader.Get(SuccessCodesSetting) is { } codes)
        {
            any = true;
            if (IsSuccessCodes(codes.Value))
            {
                hc = hc with { SuccessCodes = codes.Value };
            }
            else
            {
                reader.Invalid(codes, "expected HTTP codes like 200, 200,204 or 200-399");
            }
        }

        if (hc.TimeoutSeconds >= hc.IntervalSeconds)
        {
            reader.Diagnostics.Error(DiagnosticCodes.InvalidAnnotation, reader.Owner,
                $"metadata.annotations[{AnnotationCatalog.Get(HealthCheckTimeoutSetting).PrimaryKey}]",
                $"health check timeout ({hc.TimeoutSeconds}s) must be shorter than the interval ({hc.IntervalSeconds}s); defaults are used");
            hc = hc with { IntervalSeconds = 15, TimeoutSeconds = 5 };
        }

        return any ? settings with { HealthCheck = hc } : settings;
    }

    private static AnnotationSettings ParseAddress(AnnotationReader reader, AnnotationSettings settings)
    {
        if (reader.Get(AddressPoolSetting) is { } pool)
        {
            if (ValueParsers.IsDnsSubdomain(pool.Value))
            {
                settings = settings with { AddressPool = pool.Value };
            }
            else
            {
                reader.Invalid(pool, "expected the name of an address pool");
            }
        }

        if (reader.Get(LoadBalancerIpsSetting) is { } ips)
        {
            var list = SplitList(ips.Value);
            var valid = list.Where(ip => ValueParsers.TryParseIp(ip, out _)).ToList();
            if (valid.Count != list.Count)
            {
                reader.Invalid(ips, "expected a comma-separated list of IP addresses");
            }

            settings = settings with { LoadBalancerIps = valid };
        }

        if (reader.Get(AllowSharedIpSetting) is { } shared)
        {
            settings = settings with { AllowSharedIp = shared.Value };
        }

        return settings;
    }

    private static int Int(AnnotationReader reader, string setting, int min, int max, int fallback, ref bool any)
    {
        if (reader.Get(setting) is not { } value)
        {
            return fallback;
        }

        any = true;
        if (ValueParsers.TryParseInt(value.Value, min, max, out var result))
        {
            return result;
        }

        reader.Invalid(value, $"expected an integer from {min} to {max}");
        return fallback;
    }

    private static bool IsSuccessCodes(string value) =>
        value.Split(',').All(part =>
        {
            var bounds = part.Split('-');
            return bounds.Length <= 2
                && bounds.All(b => ValueParsers.TryParseInt(b, 200, 599, out _))
                && (bounds.Length == 1 || int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture)
                    <= int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture));
        });
}
