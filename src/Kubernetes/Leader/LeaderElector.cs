using CloudIngress.Core.Resources;
using CloudIngress.Kubernetes.Api;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Kubernetes.Leader;

/// <summary>Timings as client-go names them: a lease lasts <see cref="LeaseDuration"/>, the holder renews every <see cref="RetryPeriod"/> and gives up after <see cref="RenewDeadline"/> without a successful renewal.</summary>
public sealed record LeaderElectionOptions(string Namespace, string Name, string Identity)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Client-go's ordering: duration &gt; deadline &gt; retry period, or two holders could overlap.</summary>
    public string? Problem() =>
        LeaseDuration <= RenewDeadline ? "the lease duration must be longer than the renew deadline"
        : RenewDeadline <= RetryPeriod ? "the renew deadline must be longer than the retry period"
        : string.IsNullOrWhiteSpace(Identity) ? "the leader identity is empty"
        : null;
}

/// <summary>
/// Leader election over a <c>coordination.k8s.io/v1</c> Lease. Taking a lease is an update
/// guarded by its resourceVersion, so two candidates never both win; a lease not renewed within
/// its duration may be taken over. The leader stops leading on its own when it cannot renew
/// before the deadline (a partitioned leader must not keep writing), and on shutdown it releases
/// the lease so a successor need not wait for expiry.
/// </summary>
public sealed partial class LeaderElector(KubernetesClient client, LeaderElectionOptions options, ILogger logger, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private volatile bool _leading;
    private Lease? _held;
    private (string? Holder, string? RenewTime) _observed;
    private DateTimeOffset _observedAt;

    public bool IsLeader => _leading;

    public string Identity => options.Identity;

    /// <summary>Raised with true when this replica starts leading, false when it stops.</summary>
    public event Action<bool>? LeadershipChanged;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset lastRenewal = default;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var renewed = await TryAcquireOrRenewAsync(cancellationToken);
                var now = _clock.GetUtcNow();
                if (renewed)
                {
                    lastRenewal = now;
                    SetLeading(true);
                }
                else if (_leading && now - lastRenewal >= options.RenewDeadline)
                {
                    LogLost(logger, options.Namespace, options.Name);
                    SetLeading(false);
                }

                await Task.Delay(options.RetryPeriod, _clock, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        try
        {
            Lease current;
            try
            {
                current = await client.GetAsync(ResourceTypes.Leases, options.Namespace, options.Name, cancellationToken);
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                _held = await client.CreateAsync(ResourceTypes.Leases, options.Namespace, new Lease
                {
                    Metadata = new ObjectMeta { Name = options.Name, Namespace = options.Namespace },
                    Spec = Spec(now, now, 0),
                }, cancellationToken);
                LogAcquired(logger, options.Namespace, options.Name, options.Identity);
                return true;
            }

            var spec = current.Spec ?? new LeaseSpec();
            if (_observed != (spec.HolderIdentity, spec.RenewTime))
            {
                _observed = (spec.HolderIdentity, spec.RenewTime);
                _observedAt = now;
            }

            var mine = spec.HolderIdentity == options.Identity;
            if (!mine && !string.IsNullOrEmpty(spec.HolderIdentity) && !Expired(spec, now))
            {
                return false; // someone else leads, and recently renewed
            }

            var acquired = mine && spec.AcquireTime is not null ? KubernetesTime.Parse(spec.AcquireTime) ?? now : now;
            var transitions = (spec.LeaseTransitions ?? 0) + (mine ? 0 : 1);
            _held = await client.UpdateAsync(ResourceTypes.Leases, options.Namespace, options.Name,
                current with { Spec = Spec(acquired, now, transitions) }, cancellationToken);
            if (!mine)
            {
                LogAcquired(logger, options.Namespace, options.Name, options.Identity);
            }

            return true;
        }
        catch (ConflictException)
        {
            return false; // another candidate wrote first; read again next round
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogRenewFailed(logger, options.Namespace, options.Name, e.Message);
            return false;
        }
    }

    /// <summary>Hands the lease back (holder cleared, 1 s duration), as client-go's ReleaseOnCancel does.</summary>
    private async Task ReleaseAsync()
    {
        var held = _held;
        var wasLeading = _leading;
        SetLeading(false);
        if (!wasLeading || held is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _clock);
            var now = _clock.GetUtcNow();
            await client.UpdateAsync(ResourceTypes.Leases, options.Namespace, options.Name, held with
            {
                Spec = (held.Spec ?? new LeaseSpec()) with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = KubernetesTime.MicroTime(now) },
            }, timeout.Token);
            LogReleased(logger, options.Namespace, options.Name);
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or OperationCanceledException)
        {
            LogRenewFailed(logger, options.Namespace, options.Name, e.Message); // it expires on its own
        }
    }

    private LeaseSpec Spec(DateTimeOffset acquired, DateTimeOffset renewed, int transitions) => new()
    {
        HolderIdentity = options.Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
        AcquireTime = KubernetesTime.MicroTime(acquired),
        RenewTime = KubernetesTime.MicroTime(renewed),
        LeaseTransitions = transitions,
    };

    /// <summary>
    /// Measured on our own clock from when we last saw the lease change, not from its renewTime,
    /// so clock skew between nodes cannot make a live leader look expired.
    /// </summary>
    private bool Expired(LeaseSpec spec, DateTimeOffset now) => _observedAt + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0) < now;

    private void SetLeading(bool leading)
    {
        if (_leading == leading)
        {
            return;
        }

        _leading = leading;
        LeadershipChanged?.Invoke(leading);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "became leader: Lease {Namespace}/{Name} held by {Identity}")]
    private static partial void LogAcquired(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stopped leading: Lease {Namespace}/{Name} could not be renewed before the deadline")]
    private static partial void LogLost(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "released Lease {Namespace}/{Name}")]
    private static partial void LogReleased(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Namespace}/{Name}: {Message}")]
    private static partial void LogRenewFailed(ILogger logger, string @namespace, string name, string message);
}
