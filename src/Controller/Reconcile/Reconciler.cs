using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Controller.Reconcile;

internal sealed record ReconcilerOptions
{
    public required BuildOptions Build { get; init; }

    /// <summary>A full pass even without changes: the provider re-reads everything, so drift made by hand is repaired.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First retry after a failed pass; doubled each time, up to <see cref="Resync"/>.</summary>
    public TimeSpan FailureBackoff { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// The one loop of both modes: Observe (a snapshot source) → Build (the model) → Translate and
/// Apply (the local proxy on every replica; the chosen provider, on the leader when it owns
/// cloud resources) → Publish. A model equal to the last one applied (by content) is neither
/// recompiled nor sent to the cloud again until the resync period is up; publishing still runs,
/// since it only writes what differs.
/// </summary>
internal sealed partial class Reconciler(
    ISnapshotSource source, IProvider? local, IProvider provider, IPublisher publisher, ReconcilerOptions options, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _wake = new(0);
    private string? _localFingerprint;
    private string? _appliedFingerprint;
    private ProviderApplyResult _applied = ProviderApplyResult.Empty;
    private DateTimeOffset _nextResync = DateTimeOffset.MinValue;
    private bool _wasLeader;
    private int _failedPasses;

    /// <summary>Passes run, and of those, how many found the model unchanged and skipped the apply stages.</summary>
    public long Passes { get; private set; }

    public long Unchanged { get; private set; }

    /// <summary>Called after every pass with its duration and whether it succeeded (metrics).</summary>
    public Action<TimeSpan, bool>? Reconciled { get; init; }

    /// <summary>Called with the provider's API calls so far after each apply, failed ones included (metrics).</summary>
    public Action<string, IReadOnlyList<ApiCall>>? CloudCalls { get; init; }

    /// <summary>Called when the source could not be read and the last good configuration stays.</summary>
    public Action? Rejected { get; init; }

    /// <summary>Run another pass now (a change of leadership).</summary>
    public void Wake() => _wake.Release();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken);
        await WatchAsync(cancellationToken);
    }

    /// <summary>Runs a pass on every change, wake-up and resync, after a first <see cref="PassAsync"/>.</summary>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitForWorkAsync(cancellationToken);
            await PassAsync(cancellationToken);
        }
    }

    /// <summary>One Observe → Publish pass; failures are logged and retried with backoff, never thrown.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var success = false;
        try
        {
            await ReconcileAsync(cancellationToken);
            success = true;
            _failedPasses = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _failedPasses++;
            LogReconcileFailed(logger, e.GetType().Name, e.Message);
        }
        finally
        {
            Passes++;
            Reconciled?.Invoke(time.GetElapsedTime(started), success);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var observation = source.Take();
        if (observation.Unusable > 0 && _localFingerprint is not null)
        {
            LogKeptLastGood(logger, observation.Unusable);
            Rejected?.Invoke();
            return;
        }

        var model = BuildStage.Build(observation, options.Build, time.GetUtcNow());
        // The proxy's first model is applied whatever its fingerprint (nothing is served yet), so it
        // is fingerprinted after the apply: hashing a large model is a third of the first pass.
        var fingerprint = local is not null && _localFingerprint is null ? null : ModelFingerprint.Of(model);
        var now = time.GetUtcNow();
        var work = false;
        if (local is not null && (fingerprint is null || fingerprint != _localFingerprint))
        {
            work = true;
            var result = await local.ApplyAsync(model, fullResync: false, cancellationToken);
            foreach (var warning in result.Warnings)
            {
                LogWarning(logger, warning);
            }

            if (ReferenceEquals(local, provider))
            {
                _applied = result;
            }

            LogApplied(logger, model.Frontends.Count, model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts).Sum(h => h.Routes.Count),
                model.Backends.Count, model.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error), time.GetElapsedTime(started).TotalMilliseconds);
            fingerprint ??= ModelFingerprint.Of(model);
            _localFingerprint = fingerprint;
        }

        fingerprint ??= ModelFingerprint.Of(model);
        var leader = publisher.IsLeader;
        var becameLeader = leader && !_wasLeader;
        _wasLeader = leader;
        if (!leader)
        {
            Unchanged += work ? 0 : 1;
            return;
        }

        var resync = becameLeader || now >= _nextResync;
        var applyFingerprint = fingerprint + provider.ObservedFingerprint(observation.Snapshot);
        if (!ReferenceEquals(local, provider) && (applyFingerprint != _appliedFingerprint || resync))
        {
            if (provider.OwnsCloudResources)
            {
                await publisher.BeforeApplyAsync(observation.Snapshot, model, cancellationToken);
            }

            work = true;
            try
            {
                _appliedFingerprint = null; // a failure half way leaves the cloud unknown
                _applied = await provider.ApplyAsync(model, fullResync: resync, cancellationToken);
                _appliedFingerprint = applyFingerprint;
                CloudCalls?.Invoke(provider.Name, _applied.Calls);
            }
            catch (ProviderException e)
            {
                CloudCalls?.Invoke(provider.Name, e.Calls);
                await publisher.ReportFailureAsync(observation.Snapshot, model, e.Diagnostics, cancellationToken);
                throw;
            }

            foreach (var warning in _applied.Warnings)
            {
                LogWarning(logger, warning);
            }
        }

        Unchanged += work ? 0 : 1;
        if (resync)
        {
            _nextResync = now + options.Resync;
        }

        await publisher.PublishAsync(observation.Snapshot, model, _applied, provider.OwnsCloudResources, cancellationToken);
    }

    /// <summary>Waits for a change, a wake-up, the resync period, or after a failure the backoff.</summary>
    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        using var any = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var idle = _failedPasses == 0 ? options.Resync
            : TimeSpan.FromTicks((long)Math.Min(options.Resync.Ticks, options.FailureBackoff.Ticks * Math.Pow(2, Math.Min(_failedPasses - 1, 20))));
        if (_failedPasses == 0 && _nextResync > time.GetUtcNow())
        {
            idle = _nextResync - time.GetUtcNow();
        }

        var waits = new[] { source.WaitForChangeAsync(any.Token), _wake.WaitAsync(any.Token), Task.Delay(idle, time, any.Token) };
        await Task.WhenAny(waits);
        await any.CancelAsync();
        try
        {
            await Task.WhenAll(waits);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration applied: {Frontends} frontend(s), {Routes} route(s), {Backends} backend(s), {Errors} object error(s) in {Milliseconds:F1} ms")]
    private static partial void LogApplied(ILogger logger, int frontends, int routes, int backends, int errors, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "reconcile failed ({Error}: {Message}); retrying with backoff, or on the next change")]
    private static partial void LogReconcileFailed(ILogger logger, string error, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} manifest document(s) could not be read; keeping the last good configuration")]
    private static partial void LogKeptLastGood(ILogger logger, int count);
}
