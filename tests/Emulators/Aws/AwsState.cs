namespace CloudIngress.Emulators.Aws;

/// <summary>
/// Everything the emulated account holds. Callers hold <see cref="Lock"/> for every read and write,
/// so one request's checks and changes are atomic against every other request.
/// </summary>
internal sealed class AwsState(AwsEmulatorOptions options)
{
    public Lock Lock { get; } = new();

    public AwsEmulatorOptions Options => options;

    public DateTimeOffset Now => options.Time.GetUtcNow();

    public OrderedDictionary<string, Vpc> Vpcs { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, Subnet> Subnets { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, SecurityGroup> SecurityGroups { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, Instance> Instances { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, LoadBalancer> LoadBalancers { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, Listener> Listeners { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, Rule> Rules { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, TargetGroup> TargetGroups { get; } = new(StringComparer.Ordinal);

    public OrderedDictionary<string, Certificate> Certificates { get; } = new(StringComparer.Ordinal);

    /// <summary>Tags by resource id (EC2) or ARN (ELBv2, ACM).</summary>
    public Dictionary<string, OrderedDictionary<string, string>> Tags { get; } = new(StringComparer.Ordinal);

    public string ElbArn(string resource) => $"arn:aws:elasticloadbalancing:{options.Region}:{options.AccountId}:{resource}";

    public static string Hex(int length) => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..length];

    public IReadOnlyDictionary<string, string> TagsOf(string id) =>
        Tags.TryGetValue(id, out var tags) ? new Dictionary<string, string>(tags, StringComparer.Ordinal) : new Dictionary<string, string>();

    public void AddTags(string id, IEnumerable<KeyValuePair<string, string>> tags)
    {
        if (!Tags.TryGetValue(id, out var existing))
        {
            Tags[id] = existing = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        }

        foreach (var (key, value) in tags)
        {
            existing[key] = value;
        }
    }

    /// <summary>Every action with the load balancer it belongs to: listener defaults and rules.</summary>
    public IEnumerable<(string LoadBalancerArn, RuleAction Action)> ActionUsages() =>
        Listeners.Values.SelectMany(l => l.DefaultActions.Select(a => (l.LoadBalancerArn, a)))
            .Concat(Rules.Values.SelectMany(r => r.Actions.Select(a => (Listeners[r.ListenerArn].LoadBalancerArn, a))));

    public IReadOnlyList<string> LoadBalancersForwardingTo(string targetGroupArn) =>
        ActionUsages().Where(u => u.Action.TargetGroups.Any(g => g.TargetGroupArn == targetGroupArn)).Select(u => u.LoadBalancerArn).Distinct().ToList();

    public IReadOnlyList<string> CertificateUsers(string certificateArn) =>
        Listeners.Values.Where(l => l.Certificates.Contains(certificateArn)).Select(l => l.LoadBalancerArn).Distinct().ToList();

    public LoadBalancer LoadBalancer(string arn) =>
        LoadBalancers.GetValueOrDefault(arn) ?? throw new AwsError("LoadBalancerNotFound", $"Load balancer '{arn}' not found");

    public Listener Listener(string arn) =>
        Listeners.GetValueOrDefault(arn) ?? throw new AwsError("ListenerNotFound", $"Listener '{arn}' not found");

    public TargetGroup TargetGroup(string arn) =>
        TargetGroups.GetValueOrDefault(arn) ?? throw new AwsError("TargetGroupNotFound", $"Target groups '{arn}' not found");
}
