using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// Carries out the diff's operations in order (IO). Keys become ids and ARNs as resources are
/// created. Every call is safe to repeat: a create whose answer was lost is found by its tags on
/// the next pass, and deleting what is already gone counts as done. Deleting something AWS still
/// calls in use (a load balancer releases its security group and certificates a little after it is
/// deleted) is retried for a while.
/// </summary>
public sealed class AwsExecutor
{
    private readonly AwsClients _aws;
    private readonly AwsNetwork _network;
    private readonly string _cluster;
    private readonly Dictionary<string, string> _securityGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _certificates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _targetGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _loadBalancers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int), string> _listeners = [];
    private readonly TimeProvider _time;

    public AwsExecutor(AwsClients aws, AwsNetwork network, string cluster, AwsInventory inventory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System; // the in-use retries wait on it
        _aws = aws;
        _network = network;
        _cluster = cluster;
        foreach (var g in inventory.SecurityGroups)
        {
            _securityGroups.TryAdd(g.Key, g.Group.Id);
        }

        foreach (var c in inventory.Certificates.OrderByDescending(c => c.InUse).ThenBy(c => c.Arn, StringComparer.Ordinal))
        {
            _certificates.TryAdd(c.Key, c.Arn);
        }

        foreach (var t in inventory.TargetGroups)
        {
            _targetGroups.TryAdd(t.Key, t.TargetGroup.Arn);
        }

        foreach (var lb in inventory.LoadBalancers)
        {
            if (_loadBalancers.TryAdd(lb.Key, lb.LoadBalancer.Arn))
            {
                foreach (var l in lb.Listeners)
                {
                    _listeners[(lb.Key, l.Listener.Port)] = l.Listener.Arn;
                }
            }
        }
    }

    /// <summary>Security group ids by key: those it started with and those it created.</summary>
    public IReadOnlyDictionary<string, string> SecurityGroupIds => _securityGroups;

    public IReadOnlyDictionary<string, string> CertificateArns => _certificates;

    public IReadOnlyDictionary<string, string> TargetGroupArns => _targetGroups;

    public IReadOnlyDictionary<string, string> LoadBalancerArns => _loadBalancers;

    /// <summary>How often, and how far apart, a delete refused as "in use" is tried again.</summary>
    public int InUseAttempts { get; init; } = 12;

    public TimeSpan InUseDelay { get; init; } = TimeSpan.FromSeconds(5);

    public async Task ExecuteAsync(IReadOnlyList<AwsOperation> operations, CancellationToken ct)
    {
        foreach (var operation in operations)
        {
            await ExecuteAsync(operation, ct);
        }
    }

    private async Task ExecuteAsync(AwsOperation operation, CancellationToken ct)
    {
        var elb = _aws.ElbV2;
        switch (operation)
        {
            case CreateSecurityGroup op:
                _securityGroups[op.Plan.Key] = await CreateSecurityGroupAsync(op.Plan, ct);
                break;
            case AuthorizeIngress op:
                await Tolerating(() => _aws.Ec2.AuthorizeIngressAsync(Resolve(_securityGroups, op.SecurityGroupKey), op.Permissions, ct), "InvalidPermission.Duplicate");
                break;
            case RevokeIngress op:
                await Tolerating(() => _aws.Ec2.RevokeIngressAsync(op.GroupId, op.Permissions, ct), "InvalidPermission.NotFound");
                break;
            case DeleteSecurityGroup op:
                await DeleteAsync(() => _aws.Ec2.DeleteSecurityGroupAsync(op.GroupId, ct), "InvalidGroup.NotFound", "DependencyViolation", ct);
                break;
            case ImportCertificate { ExistingArn: null } op:
                var tags = new Dictionary<string, string>(Tags("certificates", op.Plan.Key), StringComparer.Ordinal) { [InventoryReader.Sha256Tag] = op.Plan.Sha256 };
                _certificates[op.Plan.Key] = await _aws.Acm.ImportCertificateAsync(op.Plan.CertificatePem, op.Plan.ChainPem, op.Plan.PrivateKeyPem.Reveal(), null, tags, ct);
                break;
            case ImportCertificate op:
                // Same ARN, new content: listeners using it pick the new certificate up without a change of their own.
                // AWS keeps the tags of a re-imported certificate; moto drops them, so all of ours are written again.
                await _aws.Acm.ImportCertificateAsync(op.Plan.CertificatePem, op.Plan.ChainPem, op.Plan.PrivateKeyPem.Reveal(), op.ExistingArn, null, ct);
                await _aws.Acm.AddTagsAsync(op.ExistingArn!, new Dictionary<string, string>(Tags("certificates", op.Plan.Key), StringComparer.Ordinal) { [InventoryReader.Sha256Tag] = op.Plan.Sha256 }, ct);
                break;
            case DeleteCertificate op:
                await DeleteAsync(() => _aws.Acm.DeleteCertificateAsync(op.Arn, ct), "ResourceNotFoundException", "ResourceInUseException", ct);
                break;
            case CreateTargetGroup op:
                var p = op.Plan;
                _targetGroups[p.Key] = (await elb.CreateTargetGroupAsync(p.Name, p.Protocol, p.ProtocolVersion, p.Port, await _network.VpcAsync(ct), p.TargetType,
                    p.HealthCheck, Tags(p.LoadBalancerKey, p.Key), ct)).Arn;
                break;
            case ModifyTargetGroup op:
                await elb.ModifyTargetGroupAsync(Resolve(_targetGroups, op.TargetGroupKey), op.HealthCheck, ct);
                break;
            case ModifyTargetGroupAttributes op:
                await elb.ModifyTargetGroupAttributesAsync(Resolve(_targetGroups, op.TargetGroupKey), op.Attributes, ct);
                break;
            case RegisterTargets op:
                await elb.RegisterTargetsAsync(Resolve(_targetGroups, op.TargetGroupKey), op.Targets, ct);
                break;
            case DeregisterTargets op:
                await Tolerating(() => elb.DeregisterTargetsAsync(Resolve(_targetGroups, op.TargetGroupKey), op.Targets, ct), "InvalidTarget");
                break;
            case DeleteTargetGroup op:
                await DeleteAsync(() => elb.DeleteTargetGroupAsync(op.Arn, ct), "TargetGroupNotFound", "ResourceInUse", ct);
                break;
            case CreateLoadBalancer op:
                var lb = await elb.CreateLoadBalancerAsync(op.Plan.Name, op.Plan.Type, op.Plan.Scheme, await _network.SubnetsAsync(op.Plan.Scheme, ct),
                    [Resolve(_securityGroups, op.Plan.SecurityGroupKey)], Tags(op.Plan.FrontendId, op.Plan.Key), ct);
                _loadBalancers[op.Plan.Key] = lb.Arn;
                break;
            case ModifyLoadBalancerAttributes op:
                await elb.ModifyLoadBalancerAttributesAsync(Resolve(_loadBalancers, op.LoadBalancerKey), op.Attributes, ct);
                break;
            case SetSecurityGroups op:
                await elb.SetSecurityGroupsAsync(Resolve(_loadBalancers, op.LoadBalancerKey), [Resolve(_securityGroups, op.SecurityGroupKey)], ct);
                break;
            case DeleteLoadBalancer op:
                await Tolerating(() => elb.DeleteLoadBalancerAsync(op.Arn, ct), "LoadBalancerNotFound");
                _loadBalancers.Remove(op.Key);
                break;
            case CreateListener op:
                var created = await elb.CreateListenerAsync(Resolve(_loadBalancers, op.LoadBalancerKey), op.Plan.Port, op.Plan.Protocol, op.Plan.SslPolicy,
                    DefaultCertificate(op.Plan), [MapTargets(op.Plan.DefaultAction)], ct);
                _listeners[(op.LoadBalancerKey, op.Plan.Port)] = created.Arn;
                break;
            case ModifyListener op:
                await elb.ModifyListenerAsync(op.ListenerArn, op.Plan.Port, op.Plan.Protocol, op.Plan.SslPolicy, DefaultCertificate(op.Plan), [MapTargets(op.Plan.DefaultAction)], ct);
                break;
            case DeleteListener op:
                await Tolerating(() => elb.DeleteListenerAsync(op.ListenerArn, ct), "ListenerNotFound");
                break;
            case AddListenerCertificates op:
                await elb.AddListenerCertificatesAsync(Listener(op.LoadBalancerKey, op.Port), [.. op.Certificates.Select(CertificateArn)], ct);
                break;
            case RemoveListenerCertificates op:
                await Tolerating(() => elb.RemoveListenerCertificatesAsync(op.ListenerArn, op.CertificateArns, ct), "ListenerNotFound");
                break;
            case CreateRule op:
                await CreateRuleAsync(op, ct);
                break;
            case ModifyRule op:
                await elb.ModifyRuleAsync(op.RuleArn, op.Rule.MapTargets(tg => Resolve(_targetGroups, tg)), ct);
                break;
            case SetRulePriorities op:
                await elb.SetRulePrioritiesAsync(op.Priorities, ct);
                break;
            case DeleteRule op:
                await Tolerating(() => elb.DeleteRuleAsync(op.RuleArn, ct), "RuleNotFound");
                break;
            default:
                throw new ArgumentException($"unknown operation {operation.GetType().Name}", nameof(operation));
        }
    }

    /// <summary>A create whose answer was lost and was retried finds its group already there: take it if it is ours.</summary>
    private async Task<string> CreateSecurityGroupAsync(SecurityGroupPlan plan, CancellationToken ct)
    {
        var vpc = await _network.VpcAsync(ct);
        try
        {
            return await _aws.Ec2.CreateSecurityGroupAsync(plan.Name, plan.Description, vpc, Tags("security-groups", plan.Key), ct);
        }
        catch (AwsServiceException e) when (e.Code == "InvalidGroup.Duplicate")
        {
            var existing = await _aws.Ec2.DescribeSecurityGroupsAsync([new Ec2Filter("vpc-id", vpc), new Ec2Filter("group-name", plan.Name)], ct);
            return existing.FirstOrDefault(g => AwsTags.OwnedBy(g.Tags, _cluster) && g.Tags.GetValueOrDefault(AwsTags.Resource) == plan.Key)?.Id
                ?? throw new AwsConfigurationException($"security group {plan.Name} exists in {vpc} but is not this cluster's; delete or rename it");
        }
    }

    /// <summary>Likewise a rule: PriorityInUse by a rule with exactly this content is the rule we asked for.</summary>
    private async Task CreateRuleAsync(CreateRule op, CancellationToken ct)
    {
        var listener = Listener(op.LoadBalancerKey, op.Port);
        var rule = op.Rule.MapTargets(tg => Resolve(_targetGroups, tg));
        try
        {
            await _aws.ElbV2.CreateRuleAsync(listener, op.Priority, rule, ct);
        }
        catch (AwsServiceException e) when (e.Code == "PriorityInUse")
        {
            var existing = await _aws.ElbV2.DescribeRulesAsync(listener, ct);
            if (!existing.Any(r => r.Priority == op.Priority && AwsCanonical.Rule(r.Rule) == AwsCanonical.Rule(rule)))
            {
                throw;
            }
        }
    }

    private string? DefaultCertificate(ListenerPlan plan) => plan.Certificates.Count > 0 ? CertificateArn(plan.Certificates[0]) : null;

    private string CertificateArn(CertificateRef reference) => reference.Arn ?? Resolve(_certificates, reference.ImportKey!);

    private ActionSpec MapTargets(ActionSpec action) => action.MapTargets(tg => Resolve(_targetGroups, tg));

    private string Listener(string loadBalancerKey, int port) =>
        _listeners.TryGetValue((loadBalancerKey, port), out var arn) ? arn : throw new InvalidOperationException($"listener {loadBalancerKey}:{port} was not created");

    private IReadOnlyDictionary<string, string> Tags(string stack, string key) => AwsTags.For(_cluster, stack, key);

    private static string Resolve(Dictionary<string, string> known, string key) =>
        known.TryGetValue(key, out var id) ? id : throw new InvalidOperationException($"{key} does not exist (its creation failed earlier)");

    private static async Task Tolerating(Func<Task> call, string alreadyDone)
    {
        try
        {
            await call();
        }
        catch (AwsServiceException e) when (e.Code == alreadyDone)
        {
            // The state asked for is already there (a retried call whose first answer was lost).
        }
    }

    private async Task DeleteAsync(Func<Task> call, string notFound, string inUse, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (AwsServiceException e) when (e.Code == notFound)
            {
                return;
            }
            catch (AwsServiceException e) when (e.Code == inUse && attempt < InUseAttempts)
            {
                await Task.Delay(InUseDelay, _time, ct);
            }
        }
    }
}
