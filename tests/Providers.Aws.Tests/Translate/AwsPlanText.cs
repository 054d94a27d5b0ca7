using CloudIngress.Providers.Aws.Plan;
using System.Globalization;
using System.Text;

namespace CloudIngress.Providers.Aws.Tests.Translate;

/// <summary>An <see cref="AwsPlan"/> as reviewable text: every resource and what it holds, private keys left out.</summary>
internal static class AwsPlanText
{
    public static string Render(AwsPlan plan)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        static string Map(IReadOnlyDictionary<string, string> map) => string.Join(", ", map.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));

        Line($"load balancers: {Count(plan.LoadBalancers.Count)}");
        foreach (var lb in plan.LoadBalancers)
        {
            Line($"  {lb.Key} {lb.Name} {lb.Type} {lb.Scheme} frontend {lb.FrontendId}");
            Line($"    members: {string.Join(", ", lb.Members)}");
            Line($"    security group: {lb.SecurityGroupKey}");
            if (lb.Attributes.Count > 0)
            {
                Line($"    attributes: {Map(lb.Attributes)}");
            }

            foreach (var listener in lb.Listeners)
            {
                var tls = listener.SslPolicy is null ? string.Empty : $" {listener.SslPolicy}";
                var certificates = listener.Certificates.Count == 0 ? string.Empty : $" certificates {string.Join(", ", listener.Certificates)}";
                Line($"    {listener.Protocol}:{Count(listener.Port)}{tls}{certificates} default {listener.DefaultAction}");
                foreach (var rule in listener.Rules)
                {
                    Line($"      {rule}");
                }
            }
        }

        Line($"target groups: {Count(plan.TargetGroups.Count)}");
        foreach (var tg in plan.TargetGroups.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var h = tg.HealthCheck;
            Line($"  {tg.Key} {tg.Name} {tg.Protocol}{(tg.ProtocolVersion is null ? string.Empty : "/" + tg.ProtocolVersion)}:{Count(tg.Port)} {tg.TargetType} for {tg.LoadBalancerKey}");
            Line($"    health {h.Protocol} {h.Port} {h.Path ?? "-"} every {Count(h.IntervalSeconds)}s timeout {Count(h.TimeoutSeconds)}s " +
                $"{Count(h.HealthyThreshold)}/{Count(h.UnhealthyThreshold)} codes {h.HttpCode ?? h.GrpcCode ?? "-"}");
            Line($"    targets: {string.Join(", ", tg.Targets)}");
            if (tg.Attributes.Count > 0)
            {
                Line($"    attributes: {Map(tg.Attributes)}");
            }
        }

        Line($"certificates imported: {Count(plan.Certificates.Count)}");
        foreach (var c in plan.Certificates.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Line($"  {c.Key} for {string.Join(", ", c.DnsNames)}");
        }

        Line($"security groups: {Count(plan.SecurityGroups.Count)}");
        foreach (var sg in plan.SecurityGroups)
        {
            Line($"  {sg.Key} {sg.Name}: {string.Join(", ", sg.Ingress)}");
        }

        Line($"diagnostics: {Count(plan.Diagnostics.Count)}");
        foreach (var d in plan.Diagnostics)
        {
            Line($"  {d}");
        }

        return text.ToString();
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
