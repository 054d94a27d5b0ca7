namespace CloudIngress.Emulators.Aws;

/// <summary>Immutable views for assertions, with children and tags filled in. Callers hold the state lock.</summary>
internal static class AwsSnapshots
{
    public static IReadOnlyList<LoadBalancer> LoadBalancers(AwsState state) => state.LoadBalancers.Values.Select(lb => lb with
    {
        Tags = state.TagsOf(lb.Arn),
        Listeners = state.Listeners.Values.Where(l => l.LoadBalancerArn == lb.Arn).Select(l => l with
        {
            Tags = state.TagsOf(l.Arn),
            Rules =
            [
                .. state.Rules.Values.Where(r => r.ListenerArn == l.Arn).OrderBy(r => r.Priority).Select(r => r with { Tags = state.TagsOf(r.Arn) }),
                RuleOperations.Default(l),
            ],
        }).ToList(),
    }).ToList();

    public static IReadOnlyList<TargetGroup> TargetGroups(AwsState state) => state.TargetGroups.Values
        .Select(g => g with { Tags = state.TagsOf(g.Arn), LoadBalancerArns = state.LoadBalancersForwardingTo(g.Arn) }).ToList();

    public static IReadOnlyList<Certificate> Certificates(AwsState state) => state.Certificates.Values
        .Select(c => c with { Tags = state.TagsOf(c.Arn), InUseBy = state.CertificateUsers(c.Arn) }).ToList();

    public static IReadOnlyList<SecurityGroup> SecurityGroups(AwsState state) => state.SecurityGroups.Values.Select(g => g with { Tags = state.TagsOf(g.Id) }).ToList();

    public static IReadOnlyList<Vpc> Vpcs(AwsState state) => state.Vpcs.Values.Select(v => v with { Tags = state.TagsOf(v.Id) }).ToList();

    public static IReadOnlyList<Subnet> Subnets(AwsState state) => state.Subnets.Values.Select(s => s with { Tags = state.TagsOf(s.Id) }).ToList();

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> AllTags(AwsState state) =>
        state.Tags.Where(t => t.Value.Count > 0).ToDictionary(t => t.Key, t => state.TagsOf(t.Key), StringComparer.Ordinal);
}
