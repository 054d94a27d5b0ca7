using CloudIngress.Core.Resources;
using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Api;
using CloudIngress.Kubernetes.Leader;
using CloudIngress.Tests;

namespace CloudIngress.Kubernetes.Tests.Leader;

/// <summary>Lease election between candidates sharing the emulated API server.</summary>
public sealed class LeaderElectorTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
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
        await Eventually.Until(() => a.IsLeader || b.IsLeader);
        await Task.Delay(1500); // several renewals: the other never takes over a live lease
        Assert.True(a.IsLeader ^ b.IsLeader);
        var (leader, stopLeader, runLeader, follower) = a.IsLeader ? (a, stopA, runA, b) : (b, stopB, runB, a);
        var holder = (await _client.GetAsync(ResourceTypes.Leases, "default", "lock")).Spec!.HolderIdentity;
        Assert.Equal(leader.Identity, holder);

        var stoppedAt = DateTime.UtcNow;
        await stopLeader.CancelAsync();
        await runLeader;
        Assert.False(leader.IsLeader);
        await Eventually.Until(() => follower.IsLeader);
        Assert.True(DateTime.UtcNow - stoppedAt < TimeSpan.FromSeconds(1.5), "a released lease should not have to expire first");
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
            Spec = new LeaseSpec { HolderIdentity = "crashed", LeaseDurationSeconds = 2, RenewTime = KubernetesTime.MicroTime(DateTimeOffset.UtcNow) },
        });
        var (candidate, stop, run) = Start("next");
        await Task.Delay(1000);
        Assert.False(candidate.IsLeader);
        await Eventually.Until(() => candidate.IsLeader);
        await stop.CancelAsync();
        await run;
        Assert.Null((await _client.GetAsync(ResourceTypes.Leases, "default", "lock")).Spec!.HolderIdentity);
    }

    [Fact]
    public async Task ALeaderThatCannotRenew_StopsLeading()
    {
        var (leader, stop, run) = Start("alone");
        await Eventually.Until(() => leader.IsLeader);
        _api.Faults.FailNext(1000, 500, "/leases/");
        await Eventually.Until(() => !leader.IsLeader);
        _api.Faults.Clear();
        await Eventually.Until(() => leader.IsLeader);
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
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        };
        var elector = new LeaderElector(_client, options, new TestLogger(output));
        var stop = new CancellationTokenSource();
        return (elector, stop, elector.RunAsync(stop.Token));
    }

}
