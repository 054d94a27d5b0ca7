using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// One mutating AWS call the diff asks for. Resources not yet created are named by key and
/// resolved to ids and ARNs by the executor as it goes; existing ones carry their ARN.
/// </summary>
public abstract record AwsOperation
{
    /// <summary>The ELBv2/EC2/ACM operation name.</summary>
    public abstract string Call { get; }

    /// <summary><c>+</c> create, <c>~</c> change, <c>-</c> delete (for plans).</summary>
    public abstract char Verb { get; }

    public abstract string Subject { get; }

    /// <summary>The key of the resource changed (a listener's or rule's is its load balancer's); an id where the resource has no key.</summary>
    public abstract string ResourceKey { get; }

    /// <summary>What differed between the plan and AWS that this operation sets right; empty for creates and deletes.</summary>
    public ValueList<AwsFieldChange> Changes { get; init; } = ValueList<AwsFieldChange>.Empty;

    // Sealed, so that the records below print as plan lines rather than as records.
    public sealed override string ToString() => $"{Verb} {Call} {Subject}";
}

/// <summary>An operation on one listener, named by its load balancer's key and its port.</summary>
public interface IListenerOperation
{
    string LoadBalancerKey { get; }

    int Port { get; }
}

/// <summary>One field an operation writes because AWS holds something else than the plan.</summary>
public sealed record AwsFieldChange(string Field, string Desired, string Observed)
{
    /// <summary>How a missing value or resource reads in <see cref="Desired"/> and <see cref="Observed"/>.</summary>
    public const string Absent = "(absent)";

    public override string ToString() => $"{Field}: desired {Desired}, observed {Observed}";
}

public sealed record CreateSecurityGroup(SecurityGroupPlan Plan) : AwsOperation
{
    public override string Call => "CreateSecurityGroup";
    public override char Verb => '+';
    public override string Subject => $"{Plan.Name} ({Plan.Key})";
    public override string ResourceKey => Plan.Key;
}

public sealed record AuthorizeIngress(string SecurityGroupKey, IReadOnlyList<Ec2Permission> Permissions) : AwsOperation
{
    public override string Call => "AuthorizeSecurityGroupIngress";
    public override char Verb => '~';
    public override string Subject => $"{SecurityGroupKey}: {string.Join(", ", Permissions)}";
    public override string ResourceKey => SecurityGroupKey;
}

public sealed record RevokeIngress(string GroupId, IReadOnlyList<Ec2Permission> Permissions) : AwsOperation
{
    /// <summary>The group's key, when the diff knows it (an owned group always has one).</summary>
    public string? SecurityGroupKey { get; init; }

    public override string Call => "RevokeSecurityGroupIngress";
    public override char Verb => '~';
    public override string Subject => $"{GroupId}: {string.Join(", ", Permissions)}";
    public override string ResourceKey => SecurityGroupKey ?? GroupId;
}

public sealed record DeleteSecurityGroup(string GroupId, string Key) : AwsOperation
{
    public override string Call => "DeleteSecurityGroup";
    public override char Verb => '-';
    public override string Subject => $"{GroupId} ({Key})";
    public override string ResourceKey => Key;
}

/// <summary>Imports a Secret's certificate, or re-imports it over <see cref="ExistingArn"/> when the Secret changed.</summary>
public sealed record ImportCertificate(CertificateImportPlan Plan, string? ExistingArn) : AwsOperation
{
    public override string Call => "ImportCertificate";
    public override char Verb => ExistingArn is null ? '+' : '~';
    public override string Subject => $"{Plan.Key} sha256 {Plan.Sha256[..Math.Min(12, Plan.Sha256.Length)]}";
    public override string ResourceKey => Plan.Key;
}

public sealed record DeleteCertificate(string Arn, string Key) : AwsOperation
{
    public override string Call => "DeleteCertificate";
    public override char Verb => '-';
    public override string Subject => $"{Key} {Arn}";
    public override string ResourceKey => Key;
}

public sealed record CreateTargetGroup(TargetGroupPlan Plan) : AwsOperation
{
    public override string Call => "CreateTargetGroup";
    public override char Verb => '+';
    public override string Subject => $"{Plan.Name} {Plan.Protocol}:{Plan.Port} {Plan.TargetType} ({Plan.PoolId})";
    public override string ResourceKey => Plan.Key;
}

public sealed record ModifyTargetGroup(string TargetGroupKey, HealthCheckSpec HealthCheck) : AwsOperation
{
    public override string Call => "ModifyTargetGroup";
    public override char Verb => '~';
    public override string Subject => $"{TargetGroupKey} health check";
    public override string ResourceKey => TargetGroupKey;
}

public sealed record ModifyTargetGroupAttributes(string TargetGroupKey, IReadOnlyDictionary<string, string> Attributes) : AwsOperation
{
    public override string Call => "ModifyTargetGroupAttributes";
    public override char Verb => '~';
    public override string Subject => $"{TargetGroupKey} {string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))}";
    public override string ResourceKey => TargetGroupKey;
}

public sealed record RegisterTargets(string TargetGroupKey, IReadOnlyList<TargetSpec> Targets) : AwsOperation
{
    public override string Call => "RegisterTargets";
    public override char Verb => '~';
    public override string Subject => $"{TargetGroupKey} + {string.Join(", ", Targets)}";
    public override string ResourceKey => TargetGroupKey;
}

public sealed record DeregisterTargets(string TargetGroupKey, IReadOnlyList<TargetSpec> Targets) : AwsOperation
{
    public override string Call => "DeregisterTargets";
    public override char Verb => '~';
    public override string Subject => $"{TargetGroupKey} - {string.Join(", ", Targets)}";
    public override string ResourceKey => TargetGroupKey;
}

public sealed record DeleteTargetGroup(string Arn, string Key) : AwsOperation
{
    public override string Call => "DeleteTargetGroup";
    public override char Verb => '-';
    public override string Subject => Key;
    public override string ResourceKey => Key;
}

public sealed record CreateLoadBalancer(LoadBalancerPlan Plan) : AwsOperation
{
    public override string Call => "CreateLoadBalancer";
    public override char Verb => '+';
    public override string Subject => $"{Plan.Name} {Plan.Type} {Plan.Scheme} ({Plan.Key})";
    public override string ResourceKey => Plan.Key;
}

public sealed record ModifyLoadBalancerAttributes(string LoadBalancerKey, IReadOnlyDictionary<string, string> Attributes) : AwsOperation
{
    public override string Call => "ModifyLoadBalancerAttributes";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} {string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record SetSecurityGroups(string LoadBalancerKey, string SecurityGroupKey) : AwsOperation
{
    public override string Call => "SetSecurityGroups";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} -> {SecurityGroupKey}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record DeleteLoadBalancer(string Arn, string Key) : AwsOperation
{
    public override string Call => "DeleteLoadBalancer";
    public override char Verb => '-';
    public override string Subject => Key;
    public override string ResourceKey => Key;
}

public sealed record CreateListener(string LoadBalancerKey, ListenerPlan Plan) : AwsOperation
{
    public override string Call => "CreateListener";
    public override char Verb => '+';
    public override string Subject => $"{LoadBalancerKey} {Plan.Protocol}:{Plan.Port} default {Plan.DefaultAction}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record ModifyListener(string ListenerArn, string LoadBalancerKey, ListenerPlan Plan) : AwsOperation
{
    public override string Call => "ModifyListener";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} {Plan.Protocol}:{Plan.Port} default {Plan.DefaultAction}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record DeleteListener(string ListenerArn, string LoadBalancerKey, int Port) : AwsOperation, IListenerOperation
{
    public override string Call => "DeleteListener";
    public override char Verb => '-';
    public override string Subject => $"{LoadBalancerKey} :{Port}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record AddListenerCertificates(string LoadBalancerKey, int Port, IReadOnlyList<CertificateRef> Certificates) : AwsOperation, IListenerOperation
{
    public override string Call => "AddListenerCertificates";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} :{Port} + {string.Join(", ", Certificates)}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record RemoveListenerCertificates(string ListenerArn, string LoadBalancerKey, int Port, IReadOnlyList<string> CertificateArns) : AwsOperation, IListenerOperation
{
    public override string Call => "RemoveListenerCertificates";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} :{Port} - {string.Join(", ", CertificateArns)}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record CreateRule(string LoadBalancerKey, int Port, int Priority, RuleSpec Rule) : AwsOperation, IListenerOperation
{
    public override string Call => "CreateRule";
    public override char Verb => '+';
    public override string Subject => $"{LoadBalancerKey} :{Port} #{Priority} {Rule}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record ModifyRule(string RuleArn, string LoadBalancerKey, int Port, RuleSpec Rule) : AwsOperation, IListenerOperation
{
    public override string Call => "ModifyRule";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} :{Port} {Rule}";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record SetRulePriorities(string LoadBalancerKey, int Port, IReadOnlyList<(string RuleArn, int Priority)> Priorities) : AwsOperation, IListenerOperation
{
    public override string Call => "SetRulePriorities";
    public override char Verb => '~';
    public override string Subject => $"{LoadBalancerKey} :{Port} {Priorities.Count} rules";
    public override string ResourceKey => LoadBalancerKey;
}

public sealed record DeleteRule(string RuleArn, string LoadBalancerKey, int Port) : AwsOperation, IListenerOperation
{
    public override string Call => "DeleteRule";
    public override char Verb => '-';
    public override string Subject => $"{LoadBalancerKey} :{Port} {RuleArn}";
    public override string ResourceKey => LoadBalancerKey;
}
