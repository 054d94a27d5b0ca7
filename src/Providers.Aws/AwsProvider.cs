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
/// The AWS provider: translate the model, diff it against what AWS holds, execute, and read back
/// what was written, until nothing is left to do. It remembers what its last apply converged to
/// (the plan, and AWS's answers), so the next apply diffs against that and reads and writes only
/// what changed: an unchanged model makes no call at all. A full resync, and any apply after a
/// failure, reads everything first.
/// </summary>
public sealed class AwsProvider(AwsClients aws, AwsProviderOptions options)
{
    private readonly AwsNetwork _network = new(aws.Ec2, options.VpcId, options.Subnets, options.Warn);

    // What the last apply converged to; null until one has, and while one runs.
    private AwsObservation? _memory;

    public AwsClients Clients => aws;

    /// <summary>The operations an apply would start with, against what exists now. Reads everything; read calls only.</summary>
    public async Task<(AwsPlan Plan, IReadOnlyList<AwsOperation> Operations)> PlanAsync(GatewayModel model, CancellationToken ct) =>
        Plan(model, await ObserveAsync(model, ct), options);

    /// <summary>Offline: what a first apply would create, without calling AWS (discovery has nothing to choose from).</summary>
    public static (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations) PlanOffline(GatewayModel model, AwsProviderOptions options) =>
        Plan(model, AwsObservation.Empty, options);

    /// <summary>
    /// Reads everything: what the cluster owns, the certificates ACM has issued, and the instances
    /// behind the model's nodes; paced by <see cref="AwsSettings.FullReadsPerSecond"/> as well.
    /// </summary>
    public Task<AwsObservation> ObserveAsync(GatewayModel model, CancellationToken ct) => ObserveAsync(new Translation(model, options), ct);

    /// <summary>Pure: the desired resources for <paramref name="model"/> and the operations that take <paramref name="observed"/> there.</summary>
    public static (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations) Plan(GatewayModel model, AwsObservation observed, AwsProviderOptions options) =>
        Plan(new Translation(model, options), observed);

    /// <summary>
    /// Makes AWS match <paramref name="model"/>. Incremental unless <paramref name="fullResync"/> or
    /// nothing is remembered: the model is diffed against what the last apply converged to, and only
    /// what it changes is written and read back. A full resync first sends what changed the same
    /// way (so the long read never holds a change back), then reads everything, repairing drift.
    /// </summary>
    public async Task<AwsApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken ct)
    {
        // Unknown until this apply ends well: after a failure half way, the next one reads everything.
        var memory = Interlocked.Exchange(ref _memory, null);
        var run = new ApplyRun();
        if (memory is not null && fullResync)
        {
            try
            {
                await ConvergeAsync(model, memory, run, ct);
            }
            catch (AwsApplyIncompleteException e)
            {
                // The full read below starts over from what is really there.
                run.Warnings.Add(e.Message);
            }

            _memory = null;
        }

        return await ConvergeAsync(model, fullResync ? null : memory, run, ct);
    }

    /// <summary>Passes of diff, execute and read back, from <paramref name="memory"/> or (null) a full read.</summary>
    private async Task<AwsApplyResult> ConvergeAsync(GatewayModel model, AwsObservation? memory, ApplyRun run, CancellationToken ct)
    {
        var translation = new Translation(model, options);
        Exception? last = null;
        IReadOnlyList<AwsOperation> done = [];
        (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations)? pending = null;
        AwsObservation? observed = null;

        // One read more than there are passes: after the last pass it says what is still left, and why.
        for (var pass = 1; pass <= options.Passes + 1; pass++)
        {
            var progress = run.Executed.Count;
            try
            {
                observed ??= memory is null ? await ObserveAsync(translation, ct) : await ObserveChangesAsync(translation, memory, ct);
                memory = null;
                var (plan, operations) = Plan(translation, observed);
                if (operations.Count == 0)
                {
                    _memory = observed with { Plan = plan };
                    return Result(plan, observed.Inventory, run);
                }

                pending = (plan, operations);
                if (pass > options.Passes)
                {
                    break;
                }

                var uncertain = aws.UncertainCreates;
                var executor = new AwsExecutor(aws, _network, options.ClusterName, observed.Inventory, options.Time) { InUseAttempts = options.InUseAttempts, InUseDelay = options.InUseDelay };
                foreach (var operation in operations)
                {
                    await executor.ExecuteAsync([operation], ct);
                    run.Executed.Add(operation);
                }

                done = operations;

                // Verify by reading back only what was written. A create retried after an answer that may have
                // been lost may have left a copy behind whose id nobody knows: only a full read finds it.
                observed = aws.UncertainCreates != uncertain ? null
                    : observed with { Inventory = await InventoryReader.RefreshAsync(aws, options.ClusterName, observed.Inventory, AwsWrites.Of(operations), executor, ct) };
            }
            catch (Exception e) when (e is AwsServiceException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                // Read everything again and carry on from what is there now; the next pass sees what this one did.
                last = e;
                done = [];
                observed = null;
                memory = null;
                run.Warnings.Add($"pass {pass}: {e.Message}");
                if (run.Executed.Count == progress && e is AwsServiceException { IsRetryable: true })
                {
                    // The client already retried this with backoff and nothing moved: AWS is unreachable or down.
                    break;
                }
            }
        }

        throw NotConverged(pending, done, last);
    }

    /// <summary>
    /// What an incremental apply starts from: what the last apply converged to, plus the little the
    /// new model needs that it never read: ACM's issued certificates again when a host is new to
    /// discovery, and the instances of nodes not looked up before.
    /// </summary>
    private async Task<AwsObservation> ObserveChangesAsync(Translation translation, AwsObservation memory, CancellationToken ct)
    {
        var observed = memory;
        var plan = translation.With(observed.Issued);
        var known = memory.Plan?.DiscoveredHosts.ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        if (plan.DiscoveredHosts.Any(h => !known.Contains(h)))
        {
            var ours = observed.Inventory.Certificates.Select(c => c.Arn).ToHashSet(StringComparer.Ordinal);
            observed = observed with { Issued = await InventoryReader.IssuedAsync(aws, ours, ct) };
            plan = translation.With(observed.Issued);
        }

        var unknown = Nodes(plan).Where(n => !observed.Nodes.Contains(n)).ToList();
        if (unknown.Count == 0)
        {
            return observed;
        }

        var found = await InstancesAsync(unknown, ct);
        return observed with
        {
            Instances = observed.Instances.Concat(found).ToDictionary(i => i.Key, i => i.Value, StringComparer.OrdinalIgnoreCase),
            Nodes = observed.Nodes.Concat(unknown).ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
    }

    private Task<AwsObservation> ObserveAsync(Translation translation, CancellationToken ct) =>
        AwsProtocolClient.PacedAsync(aws.FullReadPace, async () =>
        {
            var (inventory, issued) = await InventoryReader.ReadAsync(aws, options.ClusterName, ct);
            var nodes = Nodes(translation.With(issued));
            return new AwsObservation(inventory, issued, await InstancesAsync(nodes, ct)) { Nodes = nodes };
        });

    private static (AwsPlan Plan, IReadOnlyList<AwsOperation> Operations) Plan(Translation translation, AwsObservation observed)
    {
        var plan = ResolveInstances(translation.With(observed.Issued), observed.Instances);
        return (plan, AwsDiff.Compute(observed.Inventory, plan));
    }

    /// <summary>The node names instance target groups are planned with.</summary>
    private static HashSet<string> Nodes(AwsPlan plan) =>
        plan.TargetGroups.Where(t => t.TargetType == "instance").SelectMany(t => t.Targets.Select(x => x.Id)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Instance ids by node name (private DNS name); a node without one is warned about and left out.</summary>
    private async Task<IReadOnlyDictionary<string, string>> InstancesAsync(IReadOnlyCollection<string> nodes, CancellationToken ct)
    {
        if (nodes.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        var instances = (await aws.Ec2.DescribeInstancesAsync([new Ec2Filter("private-dns-name", [.. nodes.Order(StringComparer.OrdinalIgnoreCase)])], ct))
            .Where(i => i.PrivateDnsName is not null)
            .GroupBy(i => i.PrivateDnsName!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
        foreach (var missing in nodes.Where(n => !instances.ContainsKey(n)).Order(StringComparer.OrdinalIgnoreCase))
        {
            options.Warn($"node {missing} has no EC2 instance with that private DNS name; it is not registered as a target");
        }

        return instances;
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

    /// <summary>Deletes everything the cluster owns, found by a full read: an apply of nothing.</summary>
    public Task<AwsApplyResult> DestroyAsync(CancellationToken ct) => ApplyAsync(new GatewayModel(), fullResync: true, ct);

    /// <summary>Translate of one model, done once per set of issued certificates: an apply's passes share it.</summary>
    private sealed class Translation(GatewayModel model, AwsProviderOptions options)
    {
        private (IReadOnlyList<AvailableCertificate> Issued, AwsPlan Plan)? _last;

        public AwsPlan With(IReadOnlyList<AvailableCertificate> issued)
        {
            if (_last is not { } last || !ReferenceEquals(last.Issued, issued))
            {
                last = (issued, AwsTranslator.Translate(model, new AwsTranslateOptions
                {
                    ClusterName = options.ClusterName,
                    MaxRulesPerLoadBalancer = options.MaxRulesPerLoadBalancer,
                    AcmCertificates = issued,
                }));
                _last = last;
            }

            return last.Plan;
        }
    }

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

    private static AwsApplyResult Result(AwsPlan plan, AwsInventory inventory, ApplyRun run)
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

        return new AwsApplyResult { Plan = plan, Addresses = addresses, MemberAddresses = members, Executed = run.Executed, Warnings = run.Warnings };
    }

    /// <summary>What one apply did over all its passes.</summary>
    private sealed class ApplyRun
    {
        public List<AwsOperation> Executed { get; } = [];

        public List<string> Warnings { get; } = [];
    }
}

/// <summary>What AWS holds for a plan: the cluster's owned resources, ACM's issued certificates, and instance ids by node name.</summary>
public sealed record AwsObservation(AwsInventory Inventory, IReadOnlyList<AvailableCertificate> Issued, IReadOnlyDictionary<string, string> Instances)
{
    /// <summary>The node names whose instances were looked up, found or not.</summary>
    public IReadOnlySet<string> Nodes { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The plan this observation was converged to, when it is a provider's memory of its last apply.</summary>
    public AwsPlan? Plan { get; init; }

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
