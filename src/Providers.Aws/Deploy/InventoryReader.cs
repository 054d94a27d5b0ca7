using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;
using static CloudIngress.Providers.Aws.Clients.ElbV2Client;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// Reads what the cluster owns (by tag) and which ACM certificates discovery may use, all of it
/// (<see cref="ReadAsync"/>, a full read) or only what a pass wrote (<see cref="RefreshAsync"/>, its
/// verification). Read calls only.
/// </summary>
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

            loadBalancers.Add(await ReadLoadBalancerAsync(elb, key, lb, ct));
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

            targetGroups.Add(await ReadTargetGroupAsync(elb, new ActualTargetGroup(key, group), AwsParts.All, ct));
        }

        var certificates = new List<ActualCertificate>();
        var issued = new List<AvailableCertificate>();
        foreach (var summary in await aws.Acm.ListCertificatesAsync(CertificateStatuses, ct))
        {
            if (summary.Status == "ISSUED")
            {
                issued.Add(Available(summary));
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

    /// <summary>ACM's issued certificates, for discovery, without reading any tags: one call per 1,000 certificates.</summary>
    public static async Task<IReadOnlyList<AvailableCertificate>> IssuedAsync(AwsClients aws, IReadOnlyCollection<string> ours, CancellationToken ct) =>
        [.. (await aws.Acm.ListCertificatesAsync(["ISSUED"], ct)).Where(c => !ours.Contains(c.Arn)).Select(Available)];

    /// <summary>
    /// <paramref name="known"/> with the parts <paramref name="writes"/> touched read again and what they
    /// deleted dropped: the verification after a pass, which reads only what the pass wrote.
    /// <paramref name="ids"/> are the ids and ARNs the pass worked with, those it created included.
    /// </summary>
    public static async Task<AwsInventory> RefreshAsync(AwsClients aws, string cluster, AwsInventory known, AwsWrites writes, AwsExecutor ids, CancellationToken ct)
    {
        if (writes.IsEmpty)
        {
            return known;
        }

        return new AwsInventory
        {
            SecurityGroups = await RefreshSecurityGroupsAsync(aws, cluster, known, writes, ids, ct),
            Certificates = await RefreshCertificatesAsync(aws, cluster, known, writes, ids, ct),
            TargetGroups = await RefreshTargetGroupsAsync(aws.ElbV2, known, writes, ids, ct),
            LoadBalancers = await RefreshLoadBalancersAsync(aws.ElbV2, known, writes, ids, ct),
        };
    }

    private static async Task<IReadOnlyList<ActualSecurityGroup>> RefreshSecurityGroupsAsync(AwsClients aws, string cluster, AwsInventory known, AwsWrites writes, AwsExecutor ids, CancellationToken ct)
    {
        var groups = known.SecurityGroups.Where(g => !writes.DeletedSecurityGroupIds.Contains(g.Group.Id)).ToList();
        // A revoke without a key names the group by id.
        var wanted = writes.SecurityGroups.Select(k => ids.SecurityGroupIds.GetValueOrDefault(k, k)).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return groups;
        }

        var read = new Dictionary<string, ActualSecurityGroup>(StringComparer.Ordinal);
        foreach (var batch in wanted.Order(StringComparer.Ordinal).Chunk(200))
        {
            foreach (var g in await aws.Ec2.DescribeSecurityGroupsAsync([new Ec2Filter("group-id", batch)], ct))
            {
                if (Key(g.Tags, cluster) is { } key)
                {
                    read[g.Id] = new ActualSecurityGroup(key, g);
                }
            }
        }

        // A group asked for and not answered is gone.
        return [.. groups.Where(g => !wanted.Contains(g.Group.Id)), .. read.Values];
    }

    private static async Task<IReadOnlyList<ActualCertificate>> RefreshCertificatesAsync(AwsClients aws, string cluster, AwsInventory known, AwsWrites writes, AwsExecutor ids, CancellationToken ct)
    {
        var certificates = known.Certificates.Where(c => !writes.DeletedCertificateArns.Contains(c.Arn)).ToList();
        foreach (var key in writes.Certificates.Order(StringComparer.Ordinal))
        {
            var arn = Id(ids.CertificateArns, key);
            var tags = await aws.Acm.ListTagsAsync(arn, ct);
            var inUse = certificates.FirstOrDefault(c => c.Arn == arn)?.InUse ?? false;
            certificates.RemoveAll(c => c.Arn == arn);
            if (Key(tags, cluster) is { } owner)
            {
                certificates.Add(new ActualCertificate(owner, arn, tags.GetValueOrDefault(Sha256Tag), inUse));
            }
        }

        return certificates;
    }

    private static async Task<IReadOnlyList<ActualTargetGroup>> RefreshTargetGroupsAsync(ElbV2Client elb, AwsInventory known, AwsWrites writes, AwsExecutor ids, CancellationToken ct)
    {
        var groups = known.TargetGroups.Where(t => !writes.DeletedTargetGroupArns.Contains(t.TargetGroup.Arn)).ToList();
        var byArn = groups.ToDictionary(t => t.TargetGroup.Arn, StringComparer.Ordinal);
        var work = writes.TargetGroups.Select(w => (w.Key, Arn: Id(ids.TargetGroupArns, w.Key), w.Value))
            .Select(w => (w.Key, w.Arn, Parts: byArn.ContainsKey(w.Arn) ? w.Value : AwsParts.All)).ToList();
        var described = new Dictionary<string, ElbTargetGroup>(StringComparer.Ordinal);
        foreach (var batch in work.Where(w => w.Parts.HasFlag(AwsParts.Description)).Select(w => w.Arn).Chunk(TagBatch))
        {
            foreach (var group in await elb.DescribeTargetGroupsAsync(batch, ct))
            {
                described[group.Arn] = group;
            }
        }

        foreach (var (key, arn, parts) in work)
        {
            var before = byArn.GetValueOrDefault(arn) ?? new ActualTargetGroup(key, described.GetValueOrDefault(arn) ?? throw Missing(key));
            var current = before with { TargetGroup = described.GetValueOrDefault(arn) ?? before.TargetGroup };
            byArn[arn] = await ReadTargetGroupAsync(elb, current, parts, ct);
        }

        return [.. byArn.Values];
    }

    private static async Task<IReadOnlyList<ActualLoadBalancer>> RefreshLoadBalancersAsync(ElbV2Client elb, AwsInventory known, AwsWrites writes, AwsExecutor ids, CancellationToken ct)
    {
        var balancers = known.LoadBalancers.Where(l => !writes.DeletedLoadBalancerArns.Contains(l.LoadBalancer.Arn)).ToList();
        var byArn = balancers.ToDictionary(l => l.LoadBalancer.Arn, StringComparer.Ordinal);
        var keys = writes.LoadBalancers.Keys.Concat(writes.Listeners.Keys.Select(l => l.LoadBalancerKey)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var work = keys.Select(k => (Key: k, Arn: Id(ids.LoadBalancerArns, k)))
            .Select(w => (w.Key, w.Arn, Parts: byArn.ContainsKey(w.Arn) ? writes.LoadBalancers.GetValueOrDefault(w.Key) : AwsParts.All)).ToList();
        var described = new Dictionary<string, ElbLoadBalancer>(StringComparer.Ordinal);
        foreach (var batch in work.Where(w => w.Parts.HasFlag(AwsParts.Description)).Select(w => w.Arn).Chunk(TagBatch))
        {
            foreach (var lb in await elb.DescribeLoadBalancersAsync(batch, ct))
            {
                described[lb.Arn] = lb;
            }
        }

        foreach (var (key, arn, parts) in work)
        {
            var before = byArn.GetValueOrDefault(arn);
            var lb = described.GetValueOrDefault(arn) ?? before?.LoadBalancer ?? throw Missing(key);
            var listeners = new List<ActualListener>();
            if (parts.HasFlag(AwsParts.Listeners))
            {
                foreach (var listener in await elb.DescribeListenersAsync(arn, ct))
                {
                    var had = before?.Listeners.FirstOrDefault(l => l.Listener.Arn == listener.Arn);
                    var listenerParts = had is null ? AwsParts.Rules | AwsParts.Certificates : writes.Listeners.GetValueOrDefault((key, listener.Port));
                    listeners.Add(await ReadListenerAsync(elb, lb, had ?? new ActualListener(listener), listener, listenerParts, ct));
                }
            }
            else
            {
                foreach (var had in before!.Listeners)
                {
                    listeners.Add(await ReadListenerAsync(elb, lb, had, had.Listener, writes.Listeners.GetValueOrDefault((key, had.Listener.Port)), ct));
                }

                var unknown = writes.Listeners.Keys.Where(l => l.LoadBalancerKey == key && !before.Listeners.Any(h => h.Listener.Port == l.Port)).ToList();
                if (unknown.Count > 0)
                {
                    throw new InvalidOperationException($"listener {key}:{unknown[0].Port} was written but is not known");
                }
            }

            var attributes = parts.HasFlag(AwsParts.Attributes) ? await LoadBalancerAttributesAsync(elb, lb, ct) : before!.Attributes;
            byArn[arn] = new ActualLoadBalancer(key, lb) { Listeners = listeners, Attributes = attributes };
        }

        return [.. byArn.Values];
    }

    private static async Task<ActualLoadBalancer> ReadLoadBalancerAsync(ElbV2Client elb, string key, ElbLoadBalancer lb, CancellationToken ct)
    {
        var listeners = new List<ActualListener>();
        foreach (var listener in await elb.DescribeListenersAsync(lb.Arn, ct))
        {
            listeners.Add(await ReadListenerAsync(elb, lb, new ActualListener(listener), listener, AwsParts.Rules | AwsParts.Certificates, ct));
        }

        return new ActualLoadBalancer(key, lb) { Listeners = listeners, Attributes = await LoadBalancerAttributesAsync(elb, lb, ct) };
    }

    /// <summary><paramref name="before"/> with <paramref name="listener"/>'s description, and its rules and certificates read again where <paramref name="parts"/> says.</summary>
    private static async Task<ActualListener> ReadListenerAsync(ElbV2Client elb, ElbLoadBalancer lb, ActualListener before, ElbListener listener, AwsParts parts, CancellationToken ct) =>
        new(listener)
        {
            Rules = !parts.HasFlag(AwsParts.Rules) ? before.Rules
                : lb.Type == LoadBalancerType.Application ? [.. (await elb.DescribeRulesAsync(listener.Arn, ct)).Where(r => r.Priority is not null)]
                : [],
            Certificates = !parts.HasFlag(AwsParts.Certificates) ? before.Certificates
                : listener.Protocol is "HTTPS" or "TLS"
                    ? [.. (await elb.DescribeListenerCertificatesAsync(listener.Arn, ct)).OrderByDescending(c => c.IsDefault).Select(c => c.Arn).Distinct(StringComparer.Ordinal)]
                    : [],
        };

    private static async Task<IReadOnlyDictionary<string, string>> LoadBalancerAttributesAsync(ElbV2Client elb, ElbLoadBalancer lb, CancellationToken ct) =>
        lb.Type == LoadBalancerType.Application ? await elb.DescribeLoadBalancerAttributesAsync(lb.Arn, ct) : new Dictionary<string, string>();

    /// <summary><paramref name="before"/> with its targets and attributes read again where <paramref name="parts"/> says.</summary>
    private static async Task<ActualTargetGroup> ReadTargetGroupAsync(ElbV2Client elb, ActualTargetGroup before, AwsParts parts, CancellationToken ct)
    {
        var group = before.TargetGroup;
        return before with
        {
            // Draining targets are on their way out: gone already, as far as the plan is concerned.
            Targets = !parts.HasFlag(AwsParts.Targets) ? before.Targets
                : [.. (await elb.DescribeTargetHealthAsync(group.Arn, ct)).Where(h => h.State != "draining").Select(h => h.Target)],
            Attributes = !parts.HasFlag(AwsParts.Attributes) ? before.Attributes
                : group.Protocol is "TCP" or "UDP" or "TLS" or "TCP_UDP" ? await elb.DescribeTargetGroupAttributesAsync(group.Arn, ct)
                : new Dictionary<string, string>(),
        };
    }

    private static AvailableCertificate Available(AcmCertificateSummary summary) =>
        new(summary.Arn, [.. new[] { summary.DomainName }.Concat(summary.SubjectAlternativeNames).Distinct(StringComparer.OrdinalIgnoreCase)], summary.NotAfter);

    private static string Id<TKey>(IReadOnlyDictionary<TKey, string> ids, TKey key)
        where TKey : notnull =>
        ids.TryGetValue(key, out var id) ? id : throw Missing(key.ToString()!);

    private static InvalidOperationException Missing(string key) => new($"{key} was written but its id is not known");

    private static string? Key(IReadOnlyDictionary<string, string>? tags, string cluster) =>
        tags is not null && AwsTags.OwnedBy(tags, cluster) && tags.TryGetValue(AwsTags.Resource, out var key) ? key : null;
}
