using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>Reads what the cluster owns (by tag) and which ACM certificates discovery may use. Read calls only.</summary>
public static class InventoryReader
{
    /// <summary>Tag on imported certificates: the SHA-256 of the leaf, so a changed Secret is re-imported.</summary>
    public const string Sha256Tag = "cloudingress.io/sha256";

    private static readonly string[] CertificateStatuses = ["ISSUED", "EXPIRED", "INACTIVE", "PENDING_VALIDATION", "FAILED", "REVOKED"];

    public static async Task<(AwsInventory Inventory, IReadOnlyList<AvailableCertificate> Issued)> ReadAsync(AwsClients aws, string cluster, CancellationToken ct)
    {
        var elb = aws.ElbV2;
        var loadBalancers = new List<ActualLoadBalancer>();
        var all = await elb.DescribeLoadBalancersAsync(null, ct);
        var lbTags = await elb.DescribeTagsAsync([.. all.Select(l => l.Arn)], ct);
        foreach (var lb in all)
        {
            if (Key(lbTags.GetValueOrDefault(lb.Arn), cluster) is not { } key)
            {
                continue;
            }

            var listeners = new List<ActualListener>();
            foreach (var listener in await elb.DescribeListenersAsync(lb.Arn, ct))
            {
                var rules = lb.Type == LoadBalancerType.Application
                    ? (await elb.DescribeRulesAsync(listener.Arn, ct)).Where(r => r.Priority is not null).ToList()
                    : [];
                var listenerCertificates = listener.Protocol is "HTTPS" or "TLS"
                    ? (await elb.DescribeListenerCertificatesAsync(listener.Arn, ct)).OrderByDescending(c => c.IsDefault).Select(c => c.Arn).Distinct(StringComparer.Ordinal).ToList()
                    : [];
                listeners.Add(new ActualListener(listener) { Rules = rules, Certificates = listenerCertificates });
            }

            var attributes = lb.Type == LoadBalancerType.Application ? await elb.DescribeLoadBalancerAttributesAsync(lb.Arn, ct) : new Dictionary<string, string>();
            loadBalancers.Add(new ActualLoadBalancer(key, lb) { Listeners = listeners, Attributes = attributes });
        }

        var targetGroups = new List<ActualTargetGroup>();
        var groups = await elb.DescribeTargetGroupsAsync(null, ct);
        var tgTags = await elb.DescribeTagsAsync([.. groups.Select(g => g.Arn)], ct);
        foreach (var group in groups)
        {
            if (Key(tgTags.GetValueOrDefault(group.Arn), cluster) is not { } key)
            {
                continue;
            }

            var targets = (await elb.DescribeTargetHealthAsync(group.Arn, ct)).Where(h => h.State != "draining").Select(h => h.Target).ToList();
            var attributes = group.Protocol is "TCP" or "UDP" or "TLS" or "TCP_UDP"
                ? await elb.DescribeTargetGroupAttributesAsync(group.Arn, ct)
                : new Dictionary<string, string>();
            targetGroups.Add(new ActualTargetGroup(key, group) { Targets = targets, Attributes = attributes });
        }

        var certificates = new List<ActualCertificate>();
        var issued = new List<AvailableCertificate>();
        foreach (var summary in await aws.Acm.ListCertificatesAsync(CertificateStatuses, ct))
        {
            if (summary.Status == "ISSUED")
            {
                issued.Add(new AvailableCertificate(summary.Arn, [.. new[] { summary.DomainName }.Concat(summary.SubjectAlternativeNames).Distinct(StringComparer.OrdinalIgnoreCase)], summary.NotAfter));
            }

            // Only imported certificates can be ours; ACM-issued ones are never listed for their tags.
            if (summary.Type != "IMPORTED")
            {
                continue;
            }

            var tags = await aws.Acm.ListTagsAsync(summary.Arn, ct);
            if (Key(tags, cluster) is { } key)
            {
                certificates.Add(new ActualCertificate(key, summary.Arn, tags.GetValueOrDefault(Sha256Tag), summary.InUse));
            }
        }

        var securityGroups = (await aws.Ec2.DescribeSecurityGroupsAsync([new Ec2Filter("tag:" + AwsTags.Cluster, AwsTags.Value(cluster))], ct))
            .Select(g => Key(g.Tags, cluster) is { } key ? new ActualSecurityGroup(key, g) : null)
            .OfType<ActualSecurityGroup>()
            .ToList();

        var inventory = new AwsInventory
        {
            LoadBalancers = loadBalancers,
            TargetGroups = targetGroups,
            Certificates = certificates,
            SecurityGroups = securityGroups,
        };
        // Our own imports are not "discovered": a host whose Secret went away must not keep its old copy.
        var ours = certificates.Select(c => c.Arn).ToHashSet(StringComparer.Ordinal);
        return (inventory, issued.Where(c => !ours.Contains(c.Arn)).ToList());
    }

    private static string? Key(IReadOnlyDictionary<string, string>? tags, string cluster) =>
        tags is not null && AwsTags.OwnedBy(tags, cluster) && tags.TryGetValue(AwsTags.Resource, out var key) ? key : null;
}
