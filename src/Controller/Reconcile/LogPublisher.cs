using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Controller.Reconcile;

/// <summary>Manifests mode has no status to write: diagnostics and addresses go to the log, each time they change.</summary>
internal sealed partial class LogPublisher(ILogger logger) : IPublisher
{
    private IReadOnlyList<string> _logged = [];

    public bool IsLeader => true;

    public Task BeforeApplyAsync(ClusterSnapshot snapshot, GatewayModel model, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PublishAsync(ClusterSnapshot snapshot, GatewayModel model, ProviderApplyResult applied, bool ownsCloudResources, CancellationToken cancellationToken)
    {
        var diagnostics = model.Diagnostics.Concat(applied.Diagnostics).Distinct().Order().ToList();
        var addresses = model.Frontends.SelectMany(f => f.Members.Select(m => (Member: m, Addresses: applied.For(f, m))))
            .Where(a => a.Addresses is { Count: > 0 }).Select(a => $"{a.Member} -> {string.Join(", ", a.Addresses!)}").Distinct().ToList();
        var lines = diagnostics.Select(d => d.ToString()).Concat(addresses).ToList();
        if (lines.SequenceEqual(_logged, StringComparer.Ordinal))
        {
            return Task.CompletedTask;
        }

        _logged = lines;
        foreach (var d in diagnostics)
        {
            LogDiagnostic(logger, d.Severity switch
            {
                DiagnosticSeverity.Error => LogLevel.Error,
                DiagnosticSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            }, d.ToString());
        }

        foreach (var line in addresses)
        {
            LogAddress(logger, line);
        }

        return Task.CompletedTask;
    }

    public Task ReportFailureAsync(ClusterSnapshot snapshot, GatewayModel model, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        _logged = [];
        foreach (var d in diagnostics)
        {
            LogDiagnostic(logger, LogLevel.Error, d.ToString());
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Message = "{Diagnostic}")]
    private static partial void LogDiagnostic(ILogger logger, LogLevel level, string diagnostic);

    [LoggerMessage(Level = LogLevel.Information, Message = "status: {Line}")]
    private static partial void LogAddress(ILogger logger, string line);
}
