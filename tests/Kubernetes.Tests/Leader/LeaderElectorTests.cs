using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Tests;
using k8s;
using k8s.Models;

namespace CloudIngress.Kubernetes.Tests.Leader;

/// <summary>
/// Lease election between candidates sharing the emulated API server. The package's elector runs
/// on the wall clock and cannot take a fake one, so these use short leases and wait for events
/// (leadership changes, the candidates' own requests), asserting what happened in which order
/// and what the Lease records, never how long anything took.
/// </summary>
public sealed class LeaderElectorTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<(LeaderElection Elector, CancellationTokenSource Stop, Task Run)> _started = [];
    private KubernetesApiEmulator _api = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _client = TestKube.Client(_api.Url);
    }

    public async Task DisposeAsync()
    {
        foreach (var (_, stop, run) in _started)
        {
            await stop.CancelAsync();
            await run;
        }

        await _api.DisposeAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task ExactlyOneLeads_AndRenewalsKeepTheLeaseLivePastItsDuration()
    {
        var duration = TimeSpan.FromSeconds(3);
        var changes = new System.Collections.Concurrent.ConcurrentQueue<(string Who, bool Leading)>();
        var a = Start("a", duration, changes);
        var b = Start("b", duration, changes);
        await Eventually.Until(() => a.IsLeader || b.IsLeader, Bound, "a leader");
        var (leader, follower) = a.IsLeader ? (a, b) : (b, a);
        var first = await Lease();
        // Renewals by one holder spanning twice the lease's duration, as the Lease records them:
        // the follower had every chance to take a lease it thought expired, and must not have.
        await Eventually.Until(async () =>
        {
            var lease = await Lease();
            Assert.Equal(leader.Identity, lease.Spec.HolderIdentity);
            return lease.Spec.RenewTime >= first.Spec.AcquireTime + (2 * duration);
        }, Bound, "renewals spanning twice the lease duration");
        Assert.Equal([(leader.Identity, true)], changes);
        Assert.True(leader.IsLeader && !follower.IsLeader, "exactly one leader, the Lease's holder");
        Assert.Equal(0, (await Lease()).Spec.LeaseTransitions);
    }

    [Fact]
    public async Task AReleasedLease_IsTakenOverAtOnce_NotAfterItExpires()
    {
        // A minute-long lease: a takeover within the wait's bound can only come from the release.
        var duration = TimeSpan.FromSeconds(60);
        var a = Start("a", duration);
        await Eventually.Until(() => a.IsLeader, Bound, "the first candidate leads");
        var b = Start("b", duration);
        var reads = ReadsOfTheLease();
        await Eventually.Until(() => ReadsOfTheLease() > reads + 1, Bound, "the second candidate has seen the lease held");
        Assert.False(b.IsLeader);

        await StopAsync(a);
        Assert.False(a.IsLeader);
        Assert.Equal(string.Empty, (await Lease()).Spec.HolderIdentity); // emptied: taken over by the next candidate's next round
        await Eventually.Until(() => b.IsLeader, Bound, "the released lease taken over");
        var lease = await Lease();
        Assert.Equal(b.Identity, lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
    }

    [Fact]
    public async Task AnAbandonedLease_IsTakenOverAfterItsDuration_NotBefore()
    {
        var duration = TimeSpan.FromSeconds(2);
        await _client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "lock", NamespaceProperty = "default" },
            Spec = new V1LeaseSpec { HolderIdentity = "crashed", LeaseDurationSeconds = 2, AcquireTime = DateTime.UtcNow, RenewTime = DateTime.UtcNow, LeaseTransitions = 0 },
        }, "default");
        var candidate = Start("next", duration, renewDeadline: TimeSpan.FromSeconds(1));
        // While the holder renews between the candidate's reads, the lease is live however many rounds pass.
        DateTime lastRenewal = default;
        for (var round = 0; round < 12; round++)
        {
            var reads = ReadsOfTheLease();
            await Eventually.Until(() => ReadsOfTheLease() > reads, Bound, "the candidate's next round");
            Assert.False(candidate.IsLeader, $"round {round}: took a lease its holder keeps renewing");
            var lease = await Lease();
            lastRenewal = DateTime.UtcNow;
            lease.Spec.RenewTime = lastRenewal;
            await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "lock", "default");
        }

        // The holder stops renewing: the lease is taken over, and only once its duration has
        // passed since the last renewal (both times as the Lease records them).
        await Eventually.Until(() => candidate.IsLeader, Bound, "the abandoned lease taken over");
        var taken = await Lease();
        Assert.Equal("next", taken.Spec.HolderIdentity);
        Assert.True(taken.Spec.AcquireTime >= lastRenewal + duration, $"taken over at {taken.Spec.AcquireTime:O}, before the lease renewed at {lastRenewal:O} expired");
        Assert.Equal(1, taken.Spec.LeaseTransitions);
    }

    [Fact]
    public async Task ALeaderThatCannotRenew_StopsLeading_AfterTrying_AndLeadsAgainOnceItCan()
    {
        var stopped = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var leader = Start("alone", TimeSpan.FromSeconds(10), renewDeadline: TimeSpan.FromSeconds(1), retryPeriod: TimeSpan.FromMilliseconds(100));
        await Eventually.Until(() => leader.IsLeader, Bound, "leading");
        leader.LeadershipChanged += leading =>
        {
            if (!leading)
            {
                stopped.TrySetResult(_api.Faults.Served);
            }
        };
        _api.Faults.FailNext(100_000, 500, "/leases/");
        var failedWhileLeading = await stopped.Task.WaitAsync(Bound);
        Assert.True(failedWhileLeading >= 2, $"stopped after {failedWhileLeading} failed renewal(s): a leader keeps trying until its renew deadline");

        _api.Faults.Clear();
        await Eventually.Until(() => leader.IsLeader, Bound, "leading again once the API server answers");
    }

    [Fact]
    public void Options_WithOverlappingTimings_AreRefused()
    {
        Assert.NotNull(new LeaderElectionOptions("ns", "l", "me") { LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(5) }.Problem());
        Assert.NotNull(new LeaderElectionOptions("ns", "l", "me") { RetryPeriod = TimeSpan.FromSeconds(10) }.Problem());
        Assert.Null(new LeaderElectionOptions("ns", "l", "me").Problem());
    }

    private LeaderElection Start(string identity, TimeSpan duration, System.Collections.Concurrent.ConcurrentQueue<(string, bool)>? changes = null,
        TimeSpan? renewDeadline = null, TimeSpan? retryPeriod = null)
    {
        var options = new LeaderElectionOptions("default", "lock", identity)
        {
            LeaseDuration = duration,
            RenewDeadline = renewDeadline ?? TimeSpan.FromSeconds(2),
            RetryPeriod = retryPeriod ?? TimeSpan.FromMilliseconds(200),
        };
        Assert.Null(options.Problem());
        var elector = new LeaderElection(TestKube.Client(_api.Url), options, new TestLogger(output));
        elector.LeadershipChanged += leading => changes?.Enqueue((identity, leading));
        var stop = new CancellationTokenSource();
        _started.Add((elector, stop, elector.RunAsync(stop.Token)));
        return elector;
    }

    private async Task StopAsync(LeaderElection elector)
    {
        var (_, stop, run) = _started.Single(s => s.Elector == elector);
        await stop.CancelAsync();
        await run;
    }

    private int ReadsOfTheLease() => _api.Received.Count(r => r.StartsWith("GET /apis/coordination.k8s.io/v1/namespaces/default/leases/lock", StringComparison.Ordinal));

    private Task<V1Lease> Lease() => _client.CoordinationV1.ReadNamespacedLeaseAsync("lock", "default");
}
