using CloudIngress.Providers.Aws.Plan;
using System.Globalization;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>ELBv2 request parameters: actions, conditions, health checks and lists in the Query protocol's <c>Name.member.N</c> form.</summary>
internal static class ElbV2Form
{
    internal static Params ListenerParams(int port, string protocol, string? sslPolicy, string? certificateArn, IReadOnlyList<ActionSpec> actions)
    {
        var p = new Params { { "Port", Text(port) }, { "Protocol", protocol } };
        if (sslPolicy is not null)
        {
            p.Add("SslPolicy", sslPolicy);
        }

        if (certificateArn is not null)
        {
            p.AddRange(CertificateParams([certificateArn]));
        }

        p.AddRange(ActionParams("DefaultActions", actions));
        return p;
    }

    internal static Params RuleParams(RuleSpec rule)
    {
        var p = new Params();
        for (var i = 0; i < rule.Conditions.Count; i++)
        {
            var c = rule.Conditions[i];
            var prefix = $"Conditions.member.{Text(i + 1)}.";
            p.Add(prefix + "Field", c.Field);
            var config = c.Field switch
            {
                "host-header" => "HostHeaderConfig",
                "path-pattern" => "PathPatternConfig",
                "http-header" => "HttpHeaderConfig",
                "source-ip" => "SourceIpConfig",
                _ => throw new ArgumentException($"unknown condition field {c.Field}", nameof(rule)),
            };
            if (c.HeaderName is not null)
            {
                p.Add($"{prefix}{config}.HttpHeaderName", c.HeaderName);
            }

            p.AddRange(AwsQueryClient.Members($"{prefix}{config}.Values", c.Values));
        }

        p.AddRange(ActionParams("Actions", rule.Actions));
        return p;
    }

    internal static Params ActionParams(string name, IReadOnlyList<ActionSpec> actions)
    {
        var p = new Params();
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            var prefix = $"{name}.member.{Text(i + 1)}.";
            p.Add(prefix + "Type", a.Type);
            p.Add(prefix + "Order", Text(i + 1));
            switch (a.Type)
            {
                case "forward" when a.Forward.Count == 1:
                    p.Add(prefix + "TargetGroupArn", a.Forward[0].TargetGroup);
                    break;
                case "forward":
                    for (var t = 0; t < a.Forward.Count; t++)
                    {
                        p.Add($"{prefix}ForwardConfig.TargetGroups.member.{Text(t + 1)}.TargetGroupArn", a.Forward[t].TargetGroup);
                        p.Add($"{prefix}ForwardConfig.TargetGroups.member.{Text(t + 1)}.Weight", Text(a.Forward[t].Weight));
                    }

                    break;
                case "redirect":
                    p.Add(prefix + "RedirectConfig.Protocol", a.RedirectProtocol!);
                    p.Add(prefix + "RedirectConfig.Port", a.RedirectPort!);
                    p.Add(prefix + "RedirectConfig.StatusCode", a.RedirectStatus!);
                    break;
                default:
                    p.Add(prefix + "FixedResponseConfig.StatusCode", a.FixedStatus!);
                    p.Add(prefix + "FixedResponseConfig.ContentType", a.ContentType ?? "text/plain");
                    if (!string.IsNullOrEmpty(a.MessageBody))
                    {
                        p.Add(prefix + "FixedResponseConfig.MessageBody", a.MessageBody);
                    }

                    break;
            }
        }

        return p;
    }

    internal static Params HealthParams(HealthCheckSpec h)
    {
        var p = new Params
        {
            { "HealthCheckProtocol", h.Protocol },
            { "HealthCheckPort", h.Port },
            { "HealthCheckIntervalSeconds", Text(h.IntervalSeconds) },
            { "HealthCheckTimeoutSeconds", Text(h.TimeoutSeconds) },
            { "HealthyThresholdCount", Text(h.HealthyThreshold) },
            { "UnhealthyThresholdCount", Text(h.UnhealthyThreshold) },
        };
        if (h.Path is not null)
        {
            p.Add("HealthCheckPath", h.Path);
        }

        if (h.HttpCode is not null)
        {
            p.Add("Matcher.HttpCode", h.HttpCode);
        }

        if (h.GrpcCode is not null)
        {
            p.Add("Matcher.GrpcCode", h.GrpcCode);
        }

        return p;
    }

    internal static IEnumerable<KeyValuePair<string, string>> CertificateParams(IReadOnlyList<string> arns) =>
        arns.Select((arn, i) => new KeyValuePair<string, string>($"Certificates.member.{Text(i + 1)}.CertificateArn", arn));

    internal static IEnumerable<KeyValuePair<string, string>> TargetParams(IReadOnlyList<TargetSpec> targets) =>
        targets.SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"Targets.member.{Text(i + 1)}.Id", t.Id),
            new($"Targets.member.{Text(i + 1)}.Port", Text(t.Port)),
        });

    internal static IEnumerable<KeyValuePair<string, string>> Attributes(IReadOnlyDictionary<string, string> attributes) =>
        attributes.OrderBy(a => a.Key, StringComparer.Ordinal).SelectMany((a, i) => new KeyValuePair<string, string>[]
        {
            new($"Attributes.member.{Text(i + 1)}.Key", a.Key),
            new($"Attributes.member.{Text(i + 1)}.Value", a.Value),
        });

    internal static IEnumerable<KeyValuePair<string, string>> Tags(string name, IReadOnlyDictionary<string, string> tags) =>
        tags.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"{name}.member.{Text(i + 1)}.Key", t.Key),
            new($"{name}.member.{Text(i + 1)}.Value", t.Value),
        });

    internal static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
