using System.Globalization;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// One client-side token bucket: the operations of a service it paces, its refill per second and
/// its burst. <see cref="Operations"/> is <c>|</c>-separated names, each exact or ending in
/// <c>*</c> (<c>Describe*</c>, <c>RegisterTargets|DeregisterTargets</c>, <c>*</c>); the operations
/// it matches share the bucket, as AWS's own buckets are shared (ELBv2's one bucket for every
/// <c>Describe*</c>).
/// </summary>
public sealed record AwsRateLimit(string Service, string Operations, double PerSecond, int Burst)
{
    public bool Matches(string service, string operation) =>
        (Service == "*" || Service == service)
        && Operations.Split('|').Any(p => p == "*" || (p.EndsWith('*') ? operation.StartsWith(p[..^1], StringComparison.Ordinal) : p == operation));

    public override string ToString() =>
        $"{Service}:{Operations}={PerSecond.ToString(CultureInfo.InvariantCulture)}:{Burst.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The client-side buckets, first match wins. <see cref="Aws"/> follows AWS's documented request
/// throttling per account and region, so a large apply goes as fast as the account allows without
/// provoking a throttling storm; the defaults can be overridden per operation (<c>--aws-api-rates</c>).
/// </summary>
public sealed record AwsRateLimits(IReadOnlyList<AwsRateLimit> Rules)
{
    /// <summary>
    /// ELBv2 (ELB user guide, "Request throttling"): every <c>Describe*</c> shares one bucket of 40
    /// tokens refilled at 10/s; target registration 20 at 4/s and the other mutating calls 20 at 3/s
    /// (the values the AWS Load Balancer Controller takes from the same page). EC2 (developer guide,
    /// "Request throttling"): <c>Describe*</c> 100 at 20/s, mutating 200 at 5/s. ACM (quotas, "API
    /// rate quotas"): a rate per operation, with no burst beyond it.
    /// </summary>
    public static AwsRateLimits Aws { get; } = new(
    [
        new("elasticloadbalancing", "Describe*", 10, 40),
        new("elasticloadbalancing", "RegisterTargets|DeregisterTargets", 4, 20),
        new("elasticloadbalancing", "*", 3, 20),
        new("ec2", "Describe*", 20, 100),
        new("ec2", "*", 5, 200),
        new("acm", "ListCertificates", 1, 1),
        new("acm", "ImportCertificate", 1, 1),
        new("acm", "AddTagsToCertificate", 5, 5),
        new("acm", "ListTagsForCertificate|DescribeCertificate|DeleteCertificate", 10, 10),
        new("acm", "*", 1, 1),
    ]);

    /// <summary>No client-side limit (emulators, tests).</summary>
    public static AwsRateLimits None { get; } = new([]);

    /// <summary>These rules, then <paramref name="defaults"/>: an override only needs the operations it changes.</summary>
    public AwsRateLimits Before(AwsRateLimits defaults) => new([.. Rules, .. defaults.Rules]);

    public AwsRateLimit? For(string service, string operation) => Rules.FirstOrDefault(r => r.Matches(service, operation));

    /// <summary>
    /// <c>service:Operations=perSecond:burst</c>, comma-separated: <c>elasticloadbalancing:Describe*=20:80,acm:*=5:5</c>.
    /// <c>*</c> stands for any service. Null and a message naming the entry when one is not of that form.
    /// </summary>
    public static AwsRateLimits? Parse(string text, out string? error)
    {
        var rules = new List<AwsRateLimit>();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Split('=') is not [var target, var limit]
                || target.Split(':') is not [{ Length: > 0 } service, { Length: > 0 } operations]
                || limit.Split(':') is not [var rate, var burst]
                || !double.TryParse(rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var perSecond) || perSecond <= 0
                || !int.TryParse(burst, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) || tokens < 1)
            {
                error = $"\"{entry}\" is not service:Operations=perSecond:burst (like elasticloadbalancing:Describe*=10:40)";
                return null;
            }

            rules.Add(new AwsRateLimit(service, operations, perSecond, tokens));
        }

        error = null;
        return new AwsRateLimits(rules);
    }
}

/// <summary>The buckets of one <see cref="AwsRateLimits"/>, made as they are first needed and shared by the three clients.</summary>
public sealed class AwsRateLimiter(AwsRateLimits limits, TimeProvider time)
{
    private readonly Dictionary<AwsRateLimit, TokenBucket> _buckets = [];

    public AwsRateLimits Limits => limits;

    /// <summary>Waits for a token of the bucket <paramref name="operation"/> draws from; an operation no rule names is not paced.</summary>
    public Task TakeAsync(string service, string operation, CancellationToken cancellationToken)
    {
        if (limits.For(service, operation) is not { } rule)
        {
            return Task.CompletedTask;
        }

        TokenBucket bucket;
        lock (_buckets)
        {
            if (!_buckets.TryGetValue(rule, out bucket!))
            {
                bucket = new TokenBucket(rule.PerSecond, rule.Burst, time);
                _buckets[rule] = bucket;
            }
        }

        return bucket.TakeAsync(cancellationToken);
    }
}
