using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;

namespace CloudIngress.Providers.Aws;

public sealed record AwsProviderOptions
{
    public required string ClusterName { get; init; }

    public string? VpcId { get; init; }

    public IReadOnlyList<string> Subnets { get; init; } = [];

    public int MaxRulesPerLoadBalancer { get; init; } = 100;

    /// <summary>
    /// Read, diff and execute at most this many times per apply: a pass cut short by an AWS error is followed by a fresh read.
    /// One more read after the last pass says what is still left, and which changes AWS did not keep.
    /// </summary>
    public int Passes { get; init; } = 5;

    public int InUseAttempts { get; init; } = 12;

    public TimeSpan InUseDelay { get; init; } = TimeSpan.FromSeconds(5);

    public Action<string> Warn { get; init; } = _ => { };

    /// <summary>Waits between retries of deletes AWS refuses while a resource is still in use.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>What an apply did: the plan it converged to, the DNS names, and what it changed.</summary>
public sealed record AwsApplyResult
{
    public required AwsPlan Plan { get; init; }

    /// <summary>DNS names by frontend id (a sharded group has several).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Addresses { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The DNS name each Ingress or Service publishes.</summary>
    public IReadOnlyDictionary<ObjectRef, string> MemberAddresses { get; init; } = new Dictionary<ObjectRef, string>();

    /// <summary>Every mutating operation carried out, in order.</summary>
    public IReadOnlyList<AwsOperation> Executed { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// The AWS provider: read what the cluster owns, translate the model, diff, execute, until nothing
/// is left to do. An unchanged model reads and changes nothing.
/// </summary>
public sealed class AwsProvider(AwsClients aws, AwsProviderOptions options)
{
    private readonly AwsNetwork _network = new(aws.Ec2, options.VpcId, options.Subnets, options.Warn);

    public AwsClients Clients => aws;

    /// <summary>The operations an apply would start with, against what exists now. Read calls only.</summary>
    public async Task<(AwsPlan Plan, IReadOnlyList<AwsOperation> Operations)> PlanAsync(GatewayModel model, CancellationToken ct) =>
        Plan(model, await ObserveAsync(model, ct), options);

    /// <summary>Offline: what a first apply would create, without calling AWS (discovery has nothing to choose from).</summary>
    public static (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations) PlanOffline(GatewayModel model, AwsProviderOptions options) =>
        Plan(model, AwsObservation.Empty, options);

    /// <summary>Reads what the cluster owns, the certificates ACM has issued, and the instances behind the model's nodes.</summary>
    public async Task<AwsObservation> ObserveAsync(GatewayModel model, CancellationToken ct)
    {
        var (inventory, issued) = await InventoryReader.ReadAsync(aws, options.ClusterName, ct);
        var nodes = Translate(model, options, issued).TargetGroups.Where(t => t.TargetType == "instance")
            .SelectMany(t => t.Targets.Select(x => x.Id)).Distinct(StringComparer.Ordinal).ToList();
        if (nodes.Count == 0)
        {
            return new AwsObservation(inventory, issued, new Dictionary<string, string>());
        }

        var instances = (await aws.Ec2.DescribeInstancesAsync([new Ec2Filter("private-dns-name", nodes)], ct))
            .Where(i => i.PrivateDnsName is not null)
            .GroupBy(i => i.PrivateDnsName!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
        foreach (var missing in nodes.Where(n => !instances.ContainsKey(n)))
        {
            options.Warn($"node {missing} has no EC2 instance with that private DNS name; it is not registered as a target");
        }

        return new AwsObservation(inventory, issued, instances);
    }

    /// <summary>Pure: the desired resources for <paramref name="model"/> and the operations that take <paramref name="observed"/> there.</summary>
    public static (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations) Plan(GatewayModel model, AwsObservation observed, AwsProviderOptions options)
    {
        var plan = ResolveInstances(Translate(model, options, observed.Issued), observed.Instances);
        return (plan, AwsDiff.Compute(observed.Inventory, plan));
    }

    public async Task<AwsApplyResult> ApplyAsync(GatewayModel model, CancellationToken ct)
    {
        var executed = new List<AwsOperation>();
        var warnings = new List<string>();
        Exception? last = null;
        IReadOnlyList<AwsOperation> done = [];
        (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations)? pending = null;

        // One read more than there are passes: after the last pass it says what is still left, and why.
        for (var pass = 1; pass <= options.Passes + 1; pass++)
        {
            var progress = executed.Count;
            try
            {
                var observed = await ObserveAsync(model, ct);
                var inventory = observed.Inventory;
                var (plan, operations) = Plan(model, observed, options);
                if (operations.Count == 0)
                {
                    return Result(plan, inventory, executed, warnings);
                }

                pending = (plan, operations);
                if (pass > options.Passes)
                {
                    break;
                }

                var executor = new AwsExecutor(aws, _network, options.ClusterName, inventory, options.Time) { InUseAttempts = options.InUseAttempts, InUseDelay = options.InUseDelay };
                foreach (var operation in operations)
                {
                    await executor.ExecuteAsync([operation], ct);
                    executed.Add(operation);
                }

                done = operations;
            }
            catch (Exception e) when (e is AwsServiceException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                // Read again and carry on from what is there now; the next pass sees what this one did.
                last = e;
                done = [];
                warnings.Add($"pass {pass}: {e.Message}");
                if (executed.Count == progress && e is AwsServiceException { IsRetryable: true })
                {
                    // The client already retried this with backoff and nothing moved: AWS is unreachable or down.
                    break;
                }
            }
        }

        throw NotConverged(pending, done, last);
    }

    /// <summary>The error names what came back after it was made: which resource, which field, desired and observed.</summary>
    private AwsApplyIncompleteException NotConverged((AwsPlan Plan, IReadOnlyList<AwsOperation> Operations)? pending, IReadOnlyList<AwsOperation> done, Exception? last)
    {
        var repeated = pending is { } p ? AwsNonConvergence.Repeated(p.Operations, done, p.Plan) : [];
        var message = $"AWS did not converge in {options.Passes} passes";
        if (repeated.Count > 0)
        {
            message += "; these changes were made and read back unchanged (the endpoint does not keep them): " + AwsNonConvergence.Listing(repeated);
        }

        message += last is not null ? $"; last error: {last.Message}"
            : repeated.Count == 0 ? $"; changes kept appearing: {string.Join("; ", pending?.Operations.Take(5).Select(o => o.ToString()) ?? [])}"
            : string.Empty;
        return new AwsApplyIncompleteException(message, last)
        {
            Repeated = repeated,
            Diagnostics = AwsNonConvergence.Diagnostics(repeated, options.Passes),
        };
    }

    /// <summary>Deletes everything the cluster owns: an apply of nothing.</summary>
    public Task<AwsApplyResult> DestroyAsync(CancellationToken ct) => ApplyAsync(new GatewayModel(), ct);

    private static AwsPlan Translate(GatewayModel model, AwsProviderOptions options, IReadOnlyList<AvailableCertificate> issued) =>
        AwsTranslator.Translate(model, new AwsTranslateOptions
        {
            ClusterName = options.ClusterName,
            MaxRulesPerLoadBalancer = options.MaxRulesPerLoadBalancer,
            AcmCertificates = issued,
        });

    /// <summary>Instance targets are planned by node name; AWS wants instance ids (nodes' private DNS names).</summary>
    private static AwsPlan ResolveInstances(AwsPlan plan, IReadOnlyDictionary<string, string> instances) =>
        !plan.TargetGroups.Any(t => t.TargetType == "instance") ? plan : plan with
        {
            TargetGroups = [.. plan.TargetGroups.Select(t => t.TargetType != "instance" ? t : t with
            {
                Targets = t.Targets.Where(x => instances.ContainsKey(x.Id)).Select(x => x with { Id = instances[x.Id] })
                    .Distinct().OrderBy(x => x.Id, StringComparer.Ordinal).ToValueList(),
            })],
        };

    private static AwsApplyResult Result(AwsPlan plan, AwsInventory inventory, List<AwsOperation> executed, List<string> warnings)
    {
        var dns = inventory.LoadBalancers.GroupBy(l => l.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().LoadBalancer.DnsName, StringComparer.Ordinal);
        var addresses = plan.LoadBalancers.Where(l => dns.ContainsKey(l.Key)).GroupBy(l => l.FrontendId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(l => dns[l.Key])], StringComparer.Ordinal);
        var members = new Dictionary<ObjectRef, string>();
        foreach (var lb in plan.LoadBalancers.Where(l => dns.ContainsKey(l.Key)))
        {
            foreach (var member in lb.Members)
            {
                // NLBs come after ALBs in key order; a passthrough Ingress publishes its NLB.
                members[member] = dns[lb.Key];
            }
        }

        return new AwsApplyResult { Plan = plan, Addresses = addresses, MemberAddresses = members, Executed = executed, Warnings = warnings };
    }
}

/// <summary>What AWS holds for a plan: the cluster's owned resources, ACM's issued certificates, and instance ids by node name.</summary>
public sealed record AwsObservation(AwsInventory Inventory, IReadOnlyList<AvailableCertificate> Issued, IReadOnlyDictionary<string, string> Instances)
{
    // A new one each time: the executor updates the inventory it is given as it goes.
    public static AwsObservation Empty => new(new AwsInventory(), [], new Dictionary<string, string>());
}

/// <summary>
/// An apply that ended before AWS matched the plan: AWS kept failing, or kept answering with something
/// other than what was written. <see cref="Repeated"/> lists the latter field by field, and
/// <see cref="Diagnostics"/> turns them into <c>CloudNotConverging</c> errors on the Ingresses and
/// Services concerned, ready to be published as Events.
/// </summary>
public sealed class AwsApplyIncompleteException(string message, Exception? inner) : Exception(message, inner)
{
    /// <summary>The operations a pass carried out that the next read asked for again, one entry per field.</summary>
    public IReadOnlyList<AwsRepeatedOperation> Repeated { get; init; } = [];

    /// <summary>One <see cref="DiagnosticCodes.CloudNotConverging"/> error per member of an affected load balancer.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];
}
