using CloudIngress.Core.Resources;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Api;
using CloudIngress.Kubernetes.Leader;
using CloudIngress.Tests;

namespace CloudIngress.Kubernetes.Tests.Leader;

/// <summary>Lease election between candidates sharing the emulated API server.</summary>
public sealed class LeaderElectorTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(1);
    private readonly TestClock _clock = new();
    private KubernetesApiEmulator _api = null!;
    private KubernetesClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _client = new KubernetesClient(new HttpClient { BaseAddress = _api.Url }) { InitialBackoff = TimeSpan.FromMilliseconds(10) };
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task ExactlyOneLeads_AndAReleasedLeaseIsTakenOverAtOnce()
    {
        var (a, stopA, runA) = Start("a");
        var (b, stopB, runB) = Start("b");
        await Round(2);
        Assert.True(a.IsLeader ^ b.IsLeader);
        var (leader, stopLeader, runLeader, follower) = a.IsLeader ? (a, stopA, runA, b) : (b, stopB, runB, a);
        // Rounds past the lease's duration: renewals keep it live, so the other never takes over.
        for (var round = 0; round < 15; round++)
        {
            _clock.Advance(RetryPeriod);
            await Round(2);
            Assert.True(leader.IsLeader && !follower.IsLeader, $"round {round}: the lead changed hands");
        }

        var holder = (await _client.GetAsync(ResourceTypes.Leases, "default", "lock")).Spec!.HolderIdentity;
        Assert.Equal(leader.Identity, holder);

        await stopLeader.CancelAsync();
        await runLeader;
        Assert.False(leader.IsLeader);
        // The follower's very next round takes it: a released lease need not expire first.
        _clock.Advance(RetryPeriod);
        await Round(1);
        Assert.True(follower.IsLeader, "a released lease should be taken over at the next round, not after it expired");
        var lease = await _client.GetAsync(ResourceTypes.Leases, "default", "lock");
        Assert.Equal(follower.Identity, lease.Spec!.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);

        await stopA.CancelAsync();
        await stopB.CancelAsync();
        await Task.WhenAll(runA, runB);
    }

    [Fact]
    public async Task AnAbandonedLease_IsTakenOverAfterItsDuration_NotBefore()
    {
        await _client.CreateAsync(ResourceTypes.Leases, "default", new Lease
        {
            Metadata = new ObjectMeta { Name = "lock", Namespace = "default" },
            Spec = new LeaseSpec { HolderIdentity = "crashed", LeaseDurationSeconds = 2, RenewTime = KubernetesTime.MicroTime(_clock.GetUtcNow()) },
        });
        var seen = _clock.GetUtcNow(); // the candidate's first round reads the lease now
        var (candidate, stop, run) = Start("next");
        await Round(1);
        while (!candidate.IsLeader)
        {
            Assert.True(_clock.GetUtcNow() - seen <= TimeSpan.FromSeconds(2), "not taken over once expired");
            _clock.Advance(RetryPeriod);
            await Round(1);
        }

        Assert.True(_clock.GetUtcNow() - seen > TimeSpan.FromSeconds(2), "taken over before the lease expired");
        await stop.CancelAsync();
        await run;
        Assert.Null((await _client.GetAsync(ResourceTypes.Leases, "default", "lock")).Spec!.HolderIdentity);
    }

    [Fact]
    public async Task ALeaderThatCannotRenew_StopsLeading()
    {
        var (leader, stop, run) = Start("alone");
        await Round(1);
        Assert.True(leader.IsLeader);
        var renewed = _clock.GetUtcNow();
        _api.Faults.FailNext(1000, 500, "/leases/");
        while (leader.IsLeader)
        {
            Assert.True(_clock.GetUtcNow() - renewed < RenewDeadline, "still leading at the renew deadline");
            _clock.Advance(RetryPeriod);
            await Round(1);
        }

        Assert.True(_clock.GetUtcNow() - renewed >= RenewDeadline, "stopped leading before the renew deadline");
        _api.Faults.Clear();
        _clock.Advance(RetryPeriod);
        await Round(1);
        Assert.True(leader.IsLeader);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void Options_WithOverlappingTimings_AreRefused()
    {
        Assert.NotNull(new LeaderElectionOptions("ns", "l", "me") { LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(5) }.Problem());
        Assert.NotNull(new LeaderElectionOptions("ns", "l", "me") { RetryPeriod = TimeSpan.FromSeconds(10) }.Problem());
        Assert.Null(new LeaderElectionOptions("ns", "l", "me").Problem());
    }

    private (LeaderElector Elector, CancellationTokenSource Stop, Task Run) Start(string identity)
    {
        var options = new LeaderElectionOptions("default", "lock", identity)
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = RenewDeadline,
            RetryPeriod = RetryPeriod,
        };
        var elector = new LeaderElector(_client, options, new TestLogger(output), _clock);
        var stop = new CancellationTokenSource();
        return (elector, stop, elector.RunAsync(stop.Token));
    }

    /// <summary>Waits until <paramref name="candidates"/> electors have each finished a round and wait for the next.</summary>
    private Task Round(int candidates) => Eventually.Until(() => _clock.Waiting == candidates, what: $"{candidates} candidate(s) between rounds");

}
