using System.Globalization;

namespace CloudIngress.Emulators.Aws;

/// <summary>Load balancer and target group attributes: the defaults AWS reports and the values it accepts.</summary>
internal static class ElbV2Attributes
{
    private static readonly Dictionary<string, (int Min, int Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["idle_timeout.timeout_seconds"] = (1, 4000),
        ["deregistration_delay.timeout_seconds"] = (0, 3600),
        ["stickiness.lb_cookie.duration_seconds"] = (1, 604800),
        ["slow_start.duration_seconds"] = (0, 900),
        ["client_keep_alive.seconds"] = (60, 604800),
    };

    public static Dictionary<string, string> ForLoadBalancer(string type) => type == "application"
        ? new(StringComparer.Ordinal)
        {
            ["access_logs.s3.enabled"] = "false",
            ["access_logs.s3.bucket"] = string.Empty,
            ["access_logs.s3.prefix"] = string.Empty,
            ["deletion_protection.enabled"] = "false",
            ["idle_timeout.timeout_seconds"] = "60",
            ["client_keep_alive.seconds"] = "3600",
            ["routing.http.desync_mitigation_mode"] = "defensive",
            ["routing.http.drop_invalid_header_fields.enabled"] = "false",
            ["routing.http.preserve_host_header.enabled"] = "false",
            ["routing.http.x_amzn_tls_version_and_cipher_suite.enabled"] = "false",
            ["routing.http.xff_client_port.enabled"] = "false",
            ["routing.http.xff_header_processing.mode"] = "append",
            ["routing.http2.enabled"] = "true",
            ["waf.fail_open.enabled"] = "false",
        }
        : new(StringComparer.Ordinal)
        {
            ["access_logs.s3.enabled"] = "false",
            ["access_logs.s3.bucket"] = string.Empty,
            ["access_logs.s3.prefix"] = string.Empty,
            ["deletion_protection.enabled"] = "false",
            ["load_balancing.cross_zone.enabled"] = "false",
            ["dns_record.client_routing_policy"] = "any_availability_zone",
        };

    public static Dictionary<string, string> ForTargetGroup(string protocol, string targetType) => protocol is "HTTP" or "HTTPS"
        ? new(StringComparer.Ordinal)
        {
            ["deregistration_delay.timeout_seconds"] = "300",
            ["stickiness.enabled"] = "false",
            ["stickiness.type"] = "lb_cookie",
            ["stickiness.lb_cookie.duration_seconds"] = "86400",
            ["load_balancing.algorithm.type"] = "round_robin",
            ["slow_start.duration_seconds"] = "0",
            ["load_balancing.cross_zone.enabled"] = "use_load_balancer_configuration",
        }
        : new(StringComparer.Ordinal)
        {
            ["deregistration_delay.timeout_seconds"] = "300",
            ["deregistration_delay.connection_termination.enabled"] = "false",
            ["stickiness.enabled"] = "false",
            ["stickiness.type"] = "source_ip",
            ["proxy_protocol_v2.enabled"] = "false",
            ["preserve_client_ip.enabled"] = targetType == "instance" ? "true" : "false",
            ["load_balancing.cross_zone.enabled"] = "use_load_balancer_configuration",
        };

    /// <summary>The attributes with <c>Attributes.member.N.Key/Value</c> applied; keys the resource does not have are refused.</summary>
    public static Dictionary<string, string> Modify(IReadOnlyDictionary<string, string> current, QueryParams p)
    {
        var items = p.Structs("Attributes");
        if (items.Count == 0)
        {
            throw p.Missing("Attributes");
        }

        var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = item.Required("Key");
            var value = item.Get("Value") ?? string.Empty;
            if (!current.ContainsKey(key))
            {
                throw new AwsError("ValidationError", $"Attribute key '{key}' is not recognized");
            }

            var valid = key.EndsWith(".enabled", StringComparison.Ordinal) && key != "load_balancing.cross_zone.enabled"
                ? value is "true" or "false"
                : !Ranges.TryGetValue(key, out var range)
                    || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= range.Min && number <= range.Max);
            if (!valid)
            {
                throw new AwsError("ValidationError", $"Attribute '{key}' cannot have the value '{value}'");
            }

            next[key] = value;
        }

        return next;
    }
}
