using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Naming;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>
/// Crash-safety and convergence: a process that dies between any two calls and is restarted, and
/// 200 random change sequences with 20% of all requests failing, always end in exactly the desired
/// state, with nothing orphaned or duplicated. Each runs twice: every apply a full resync (reading
/// everything), and incremental (each apply from what the last one converged to), where a full
/// resync at the end must find nothing left to change.
/// </summary>
public sealed class ConvergenceTests
{
    private static readonly GatewayModel Before = Build(
        Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"))}]", tls: "[{hosts: [shop.example.com], secretName: app-tls}]") +
        Ingress("blog", $"[{Rule("blog.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/group: blog"));

    private static readonly GatewayModel After = Build(
        Ingress("shop", $"[{Rule("shop.example.com", ("/", "Prefix", "api"), ("/v2", "Exact", "web"))}]", "cloudingress.io/ssl-redirect: \"true\"",
            "[{hosts: [shop.example.com], secretName: wild-tls}]") +
        Ingress("docs", $"[{Rule("docs.example.com", ("/", "Prefix", "api"))}]", "cloudingress.io/group: docs"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrashBetweenAnyTwoCalls_ThenRestart_ConvergesWithNothingOrphaned(bool incremental)
    {
        var (reference, creates) = await ReferenceAsync(null, Before);
        var (referenceAfter, changes) = await ReferenceAsync(Before, After);
        Assert.True(creates > 10 && changes > 5, $"{creates} creates, {changes} changes");

        for (var crashAt = 0; crashAt < creates; crashAt++)
        {
            Assert.Equal(reference, await CrashThenRestartAsync(null, Before, crashAt, incremental));
        }

        for (var crashAt = 0; crashAt < changes; crashAt++)
        {
            Assert.Equal(referenceAfter, await CrashThenRestartAsync(Before, After, crashAt, incremental));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RandomChangeSequences_With20PercentFaults_AlwaysConverge(bool incremental)
    {
        var failures = new FailureCounter();
        await using var bed = await AwsTestbed.StartAsync(handler: failures);
        var random = new Random(20261122);
        var interrupted = 0;
        bed.Emulator!.Faults.RandomFailures(0.2, seed: 42);
        for (var sequence = 0; sequence < 200; sequence++)
        {
            var provider = new AwsProvider(bed.Clients, new AwsProviderOptions { ClusterName = $"seq{sequence}", InUseAttempts = 2, InUseDelay = TimeSpan.FromMilliseconds(1) });
            GatewayModel model = new();
            for (var step = 0; step < 3; step++)
            {
                model = RandomModel(random);
                interrupted += await UntilAppliedAsync(provider, model, fullResync: !incremental);
            }

            bed.Emulator.Faults.Clear();
            var check = await provider.ApplyAsync(model, fullResync: !incremental, CancellationToken.None);
            Assert.Empty(check.Executed);
            // What the provider remembers is what AWS holds: a full read finds nothing to change.
            Assert.Empty((await provider.ApplyAsync(model, fullResync: true, CancellationToken.None)).Executed);
            var owned = OwnedKeys(bed, $"seq{sequence}");
            var planned = check.Plan.LoadBalancers.Select(l => l.Key).Concat(check.Plan.TargetGroups.Select(t => t.Key))
                .Concat(check.Plan.SecurityGroups.Select(s => s.Key)).Concat(check.Plan.Certificates.Select(c => c.Key)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(planned, owned);

            bed.Emulator.Faults.RandomFailures(0.2, seed: sequence);
            interrupted += await UntilAppliedAsync(provider, new GatewayModel(), fullResync: !incremental);
            Assert.Empty(OwnedKeys(bed, $"seq{sequence}"));
        }

        // The faults really bit (about one request in five failed), and yet no apply had to give up.
        var total = bed.Clients.Calls.Values.Sum();
        Assert.InRange(failures.Failed, total / 8, total / 3);
        Assert.True(bed.Emulator.MutatingCalls > 2000, $"only {bed.Emulator.MutatingCalls} mutating calls");
        Assert.True(interrupted < 20, $"{interrupted} passes were cut short");
    }

    /// <summary>The controller's work queue retries a failed reconcile; so does this. Returns the passes cut short on the way.</summary>
    private static async Task<int> UntilAppliedAsync(AwsProvider provider, GatewayModel model, bool fullResync)
    {
        var interrupted = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return interrupted + (await provider.ApplyAsync(model, fullResync, CancellationToken.None)).Warnings.Count;
            }
            catch (AwsApplyIncompleteException) when (attempt < 10)
            {
                interrupted += 5;
            }
            catch (AwsServiceException) when (attempt < 10)
            {
                interrupted++;
            }
        }
    }

    private static List<string> OwnedKeys(AwsTestbed bed, string cluster) =>
        [.. bed.Emulator!.AllTags().Where(t => AwsTags.OwnedBy(t.Value, cluster) && !t.Key.Contains(":listener", StringComparison.Ordinal))
            .Select(t => t.Value[AwsTags.Resource]).Order(StringComparer.Ordinal)];

    private static GatewayModel RandomModel(Random random)
    {
        var yaml = new System.Text.StringBuilder();
        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            var host = $"h{random.Next(0, 4)}.example.com";
            var paths = Enumerable.Range(0, random.Next(1, 4)).Select(_ => ($"/p{random.Next(0, 5)}", random.Next(2) == 0 ? "Prefix" : "Exact", random.Next(2) == 0 ? "web" : "api")).ToArray();
            var group = random.Next(3) switch { 0 => string.Empty, 1 => "cloudingress.io/group: g1", _ => "cloudingress.io/group: g2" };
            var tls = random.Next(3) switch { 0 => string.Empty, 1 => $"[{{hosts: [{host}], secretName: app-tls}}]", _ => $"[{{hosts: [{host}], secretName: wild-tls}}]" };
            yaml.Append(Ingress($"i{i}", $"[{Rule(host, paths)}]", group, tls));
        }

        return Build(yaml.ToString());
    }

    /// <summary>The state a clean apply leaves, as text, and how many mutating calls it took.</summary>
    private static async Task<(string State, int Calls)> ReferenceAsync(GatewayModel? start, GatewayModel model)
    {
        await using var bed = await AwsTestbed.StartAsync(cluster: "crash");
        if (start is not null)
        {
            await bed.ApplyAsync(start);
        }

        var before = bed.MutatingCalls;
        await bed.ApplyAsync(model);
        return (Describe(bed), bed.MutatingCalls - before);
    }

    /// <summary>
    /// Dies after <paramref name="crashAt"/> mutating calls of an apply of <paramref name="model"/>: a fresh
    /// provider's (a full read first), or (<paramref name="incremental"/>) the one that applied
    /// <paramref name="start"/>, going from what it remembers. A restarted provider then converges.
    /// </summary>
    private static async Task<string> CrashThenRestartAsync(GatewayModel? start, GatewayModel model, int crashAt, bool incremental)
    {
        var crash = new CrashingHandler();
        await using var bed = await AwsTestbed.StartAsync(cluster: "crash", handler: crash);
        if (start is not null || incremental)
        {
            await bed.ApplyAsync(start ?? new GatewayModel());
        }

        crash.Arm(crashAt);
        var dying = incremental ? bed.Provider : bed.NewProvider();
        await Assert.ThrowsAsync<CrashException>(() => dying.ApplyAsync(model, fullResync: false, CancellationToken.None));
        crash.Disarm();

        var restarted = await bed.NewProvider().ApplyAsync(model, fullResync: true, CancellationToken.None);
        Assert.NotNull(restarted);
        Assert.Empty((await bed.NewProvider().ApplyAsync(model, fullResync: true, CancellationToken.None)).Executed);
        return Describe(bed);
    }

    /// <summary>Everything the cluster owns, without ids AWS makes up: names, listeners, rules in order, targets, certificates by content.</summary>
    private static string Describe(AwsTestbed bed)
    {
        var e = bed.Emulator!;
        var tgNames = e.TargetGroups().ToDictionary(t => t.Arn, t => t.Name);
        var certs = e.Certificates().ToDictionary(c => c.Arn, c => c.Sha256 ?? c.DomainName);
        var lines = new List<string>();
        foreach (var lb in e.LoadBalancers().OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            lines.Add($"lb {lb.Name} {lb.Type} {lb.Scheme} sg={e.SecurityGroups().Single(g => g.Id == lb.SecurityGroups.Single()).Name}");
            foreach (var listener in lb.Listeners.OrderBy(l => l.Port))
            {
                lines.Add($"  {listener.Protocol}:{listener.Port} certs={string.Join(",", listener.Certificates.Select(c => certs[c]))}");
                foreach (var rule in listener.Rules.OrderBy(r => r.Priority ?? int.MaxValue))
                {
                    var conditions = string.Join(" ", rule.Conditions.OrderBy(c => c.Field, StringComparer.Ordinal).Select(c => $"{c.Field}={string.Join("|", c.Values)}"));
                    var actions = string.Join(" ", rule.Actions.Select(a => a.Type + ":" + string.Join(",", a.TargetGroups.Select(t => tgNames[t.TargetGroupArn] + "=" + t.Weight)) + a.FixedResponse?.StatusCode + a.Redirect?.Port));
                    lines.Add($"    {conditions} -> {actions}");
                }
            }
        }

        lines.AddRange(e.TargetGroups().OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => $"tg {t.Name} {string.Join(",", t.Targets.Select(x => $"{x.Id}:{x.Port}").Order(StringComparer.Ordinal))}"));
        lines.AddRange(e.Certificates().Where(c => c.Imported).Select(c => $"cert {c.Sha256}").Order(StringComparer.Ordinal));
        lines.AddRange(e.SecurityGroups().Where(g => g.Tags.ContainsKey(AwsTags.Cluster)).Select(g => $"sg {g.Name} {g.Ingress.Count}").Order(StringComparer.Ordinal));
        return string.Join('\n', lines);
    }

    /// <summary>Counts the answers that were errors (injected faults, and the errors retries of lost answers meet).</summary>
    private sealed class FailureCounter() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _failed;

        public int Failed => _failed;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _failed);
            }

            return response;
        }
    }

    private sealed class CrashException() : Exception("the controller died here");

    /// <summary>Lets <c>n</c> mutating requests through, then fails everything: the process is gone.</summary>
    private sealed class CrashingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _remaining = int.MaxValue;

        public void Arm(int mutatingCalls) => _remaining = mutatingCalls;

        public void Disarm() => _remaining = int.MaxValue;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var target = request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.First() : body.Split('&').FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal)) ?? string.Empty;
            var operation = target[(target.IndexOfAny(['.', '=']) + 1)..];
            if (AwsClients.IsMutating(operation) && Interlocked.Decrement(ref _remaining) < 0)
            {
                throw new CrashException();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
