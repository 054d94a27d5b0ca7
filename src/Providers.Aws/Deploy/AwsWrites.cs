namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>The parts of a resource a pass wrote, and so the parts its verification reads back.</summary>
[Flags]
public enum AwsParts
{
    None = 0,

    /// <summary>What the resource's own Describe call reports (a target group's health check, a load balancer's security groups).</summary>
    Description = 1,
    Attributes = 2,
    Targets = 4,

    /// <summary>A load balancer's listeners (DescribeListeners).</summary>
    Listeners = 8,
    Rules = 16,
    Certificates = 32,
    All = Description | Attributes | Targets | Listeners | Rules | Certificates,
}

/// <summary>
/// What a pass wrote, resource by resource (pure, from the operations it carried out): the
/// verification after it reads these parts and nothing else. Created resources are read whole;
/// deleted ones are dropped from what the provider remembers.
/// </summary>
public sealed class AwsWrites
{
    public HashSet<string> SecurityGroups { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeletedSecurityGroupIds { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Certificates { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeletedCertificateArns { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, AwsParts> TargetGroups { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeletedTargetGroupArns { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, AwsParts> LoadBalancers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeletedLoadBalancerArns { get; } = new(StringComparer.Ordinal);

    /// <summary>Rules and certificates by listener (load balancer key and port).</summary>
    public Dictionary<(string LoadBalancerKey, int Port), AwsParts> Listeners { get; } = [];

    public bool IsEmpty => SecurityGroups.Count + DeletedSecurityGroupIds.Count + Certificates.Count + DeletedCertificateArns.Count + TargetGroups.Count
        + DeletedTargetGroupArns.Count + LoadBalancers.Count + DeletedLoadBalancerArns.Count + Listeners.Count == 0;

    public static AwsWrites Of(IEnumerable<AwsOperation> operations)
    {
        var writes = new AwsWrites();
        foreach (var operation in operations)
        {
            writes.Add(operation);
        }

        return writes;
    }

    private void Add(AwsOperation operation)
    {
        switch (operation)
        {
            case CreateSecurityGroup or AuthorizeIngress or RevokeIngress or ImportCertificate:
                // An owned group always has its key; a revoke without one names the group by id.
                (operation is ImportCertificate ? Certificates : SecurityGroups).Add(operation.ResourceKey);
                break;
            case DeleteSecurityGroup or DeleteCertificate or DeleteTargetGroup or DeleteLoadBalancer:
                var (gone, id) = operation switch
                {
                    DeleteSecurityGroup op => (DeletedSecurityGroupIds, op.GroupId),
                    DeleteCertificate op => (DeletedCertificateArns, op.Arn),
                    DeleteTargetGroup op => (DeletedTargetGroupArns, op.Arn),
                    _ => (DeletedLoadBalancerArns, ((DeleteLoadBalancer)operation).Arn),
                };
                gone.Add(id);
                break;
            case CreateListener op:
                Part(LoadBalancers, op.LoadBalancerKey, AwsParts.Listeners);
                Part(Listeners, (op.LoadBalancerKey, op.Plan.Port), AwsParts.Rules | AwsParts.Certificates);
                break;
            case ModifyListener op:
                // The default certificate is also the first of the listener's certificates.
                Part(LoadBalancers, op.LoadBalancerKey, AwsParts.Listeners);
                Part(Listeners, (op.LoadBalancerKey, op.Plan.Port), AwsParts.Certificates);
                break;
            case DeleteListener op:
                Part(LoadBalancers, op.LoadBalancerKey, AwsParts.Listeners);
                break;
            case IListenerOperation op:
                Part(Listeners, (op.LoadBalancerKey, op.Port), operation is AddListenerCertificates or RemoveListenerCertificates ? AwsParts.Certificates : AwsParts.Rules);
                break;
            default:
                var (parts, part) = operation switch
                {
                    CreateTargetGroup => (TargetGroups, AwsParts.All),
                    ModifyTargetGroup => (TargetGroups, AwsParts.Description),
                    ModifyTargetGroupAttributes => (TargetGroups, AwsParts.Attributes),
                    RegisterTargets or DeregisterTargets => (TargetGroups, AwsParts.Targets),
                    CreateLoadBalancer => (LoadBalancers, AwsParts.All),
                    ModifyLoadBalancerAttributes => (LoadBalancers, AwsParts.Attributes),
                    SetSecurityGroups => (LoadBalancers, AwsParts.Description),
                    _ => throw new ArgumentException($"unknown operation {operation.GetType().Name}", nameof(operation)),
                };
                Part(parts, operation.ResourceKey, part);
                break;
        }
    }

    private static void Part<TKey>(Dictionary<TKey, AwsParts> parts, TKey key, AwsParts part)
        where TKey : notnull =>
        parts[key] = parts.GetValueOrDefault(key) | part;
}
