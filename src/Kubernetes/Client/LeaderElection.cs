using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Kubernetes.Client;

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
/// Leader election by the package's <see cref="LeaderElector"/> over a <see cref="LeaseLock"/>
/// (its timing is its own). Around it: leadership as a flag and an event, a restart when the
/// package's loop fails (it throws on a connection error while acquiring), and on shutdown the
/// lease handed back (holder emptied, 1 s duration, as client-go's ReleaseOnCancel does) so a
/// successor need not wait for it to expire. Restarts wait on <paramref name="time"/>.
/// </summary>
public sealed partial class LeaderElection(IKubernetes client, LeaderElectionOptions options, ILogger logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile bool _leading;

    public bool IsLeader => _leading;

    public string Identity => options.Identity;

    /// <summary>Raised with true when this replica starts leading, false when it stops.</summary>
    public event Action<bool>? LeadershipChanged;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var lease = new LeaseLock(client, options.Namespace, options.Name, options.Identity);
            lease.OnHttpError += e => LogRenewFailed(logger, options.Namespace, options.Name, ApiErrors.Describe(e));
            using var elector = new LeaderElector(new LeaderElectionConfig(lease)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            });
            elector.OnStartedLeading += () => SetLeading(true);
            elector.OnStoppedLeading += () => SetLeading(false);
            elector.OnError += e => LogRenewFailed(logger, options.Namespace, options.Name, ApiErrors.Describe(e));
            try
            {
                await elector.RunAndTryToHoldLeadershipForeverAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever ended the package's loop (a connection error while acquiring, its own
                // "call get or create first"), election must go on: not leading, try again.
                SetLeading(false);
                var delay = TimeSpan.FromMilliseconds(Math.Min(options.RenewDeadline.TotalMilliseconds, options.RetryPeriod.TotalMilliseconds * Math.Pow(2, failures++)));
                LogRenewFailed(logger, options.Namespace, options.Name, ApiErrors.Describe(e));
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        await ReleaseAsync();
    }

    /// <summary>
    /// Empties the holder with a replace guarded by the resourceVersion just read, so a lease
    /// someone else took meanwhile is left alone. Empty, not absent: the package's elector can
    /// only take over a lease whose holder is present (an absent one makes it try to create it).
    /// </summary>
    private async Task ReleaseAsync()
    {
        // The package has already reported leadership stopped when its loop was cancelled; the
        // Lease itself says whether it is still ours to hand back.
        SetLeading(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.Name, options.Namespace, cancellationToken: timeout.Token);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = string.Empty;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = _time.GetUtcNow().UtcDateTime;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.Name, options.Namespace, cancellationToken: timeout.Token);
            LogReleased(logger, options.Namespace, options.Name);
        }
        catch (Exception e) when (ApiErrors.IsApiFailure(e) || e is OperationCanceledException)
        {
            LogRenewFailed(logger, options.Namespace, options.Name, ApiErrors.Describe(e)); // it expires on its own
        }
    }

    private void SetLeading(bool leading)
    {
        if (_leading == leading)
        {
            return;
        }

        _leading = leading;
        if (leading)
        {
            LogAcquired(logger, options.Namespace, options.Name, options.Identity);
        }
        else
        {
            LogStopped(logger, options.Namespace, options.Name);
        }

        LeadershipChanged?.Invoke(leading);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "became leader: Lease {Namespace}/{Name} held by {Identity}")]
    private static partial void LogAcquired(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stopped leading: Lease {Namespace}/{Name}")]
    private static partial void LogStopped(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "released Lease {Namespace}/{Name}")]
    private static partial void LogReleased(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Namespace}/{Name}: {Message}")]
    private static partial void LogRenewFailed(ILogger logger, string @namespace, string name, string message);
}
