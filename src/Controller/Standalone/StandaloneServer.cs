using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Controller.Standalone;

/// <summary>
/// <c>serve</c>: the data plane from a manifests directory. At start it serves what loads; on a
/// change it reloads, except that a document that no longer parses keeps the last good
/// configuration (applying without it would silently drop its routes). Problems in single
/// objects are diagnostics: they are logged and the rest is served.
/// </summary>
internal sealed partial class StandaloneServer(string manifests, ProxyOptions proxyOptions, BuildOptions buildOptions, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("CloudIngress");

    public async Task RunAsync(Action<ProxyServer>? started, CancellationToken cancellationToken)
    {
        var (first, _) = Load();
        await using var server = await ProxyServer.StartAsync(proxyOptions, loggers, cancellationToken);
        Apply(server, first);
        LogListening(_logger, proxyOptions.BindAddress, server.HttpPort, server.HttpsPort, server.AdminPort);
        started?.Invoke(server);

        using var watcher = new ManifestWatcher(manifests);
        try
        {
            while (true)
            {
                await watcher.WaitForChangeAsync(cancellationToken);
                var (model, unreadable) = Load();
                if (unreadable > 0)
                {
                    server.ReportRejectedConfiguration();
                    LogKeptLastGood(_logger, unreadable);
                    continue;
                }

                Apply(server, model);
            }
        }
        catch (OperationCanceledException)
        {
            LogDraining(_logger, proxyOptions.ShutdownTimeout.TotalSeconds);
            await server.StopAsync();
        }
    }

    /// <summary>The model of the directory, and how many documents could not be read at all.</summary>
    private (GatewayModel Model, int Unreadable) Load()
    {
        ManifestSet set;
        try
        {
            set = ManifestDirectory.Load(manifests);
        }
        catch (IOException e)
        {
            LogUnreadableDirectory(_logger, e.Message);
            return (new GatewayModel(), 1);
        }

        var model = ModelBuilder.Build(set.Snapshot, buildOptions with { Now = DateTimeOffset.UtcNow });
        var diagnostics = set.Diagnostics.Concat(model.Diagnostics).Select(set.Locate).Order().ToList();
        foreach (var d in diagnostics)
        {
            var level = d.Severity switch
            {
                DiagnosticSeverity.Error => LogLevel.Error,
                DiagnosticSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            };
            LogDiagnostic(_logger, level, d.ToString());
        }

        var unreadable = set.Diagnostics.Count(d => d.Code is DiagnosticCodes.ManifestInvalid or DiagnosticCodes.UnsupportedApiVersion);
        return (model with { Diagnostics = diagnostics }, unreadable);
    }

    private void Apply(ProxyServer server, GatewayModel model)
    {
        foreach (var warning in server.Apply(model))
        {
            LogMergeWarning(_logger, warning);
        }

        var routes = model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts).Sum(h => h.Routes.Count);
        LogApplied(_logger, model.Frontends.Count, routes, model.Backends.Count, model.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "listening on {Bind}: http {HttpPort}, https {HttpsPort}, admin {AdminPort} (/healthz, /readyz, /metrics)")]
    private static partial void LogListening(ILogger logger, string bind, int httpPort, int httpsPort, int adminPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration applied: {Frontends} frontend(s), {Routes} route(s), {Backends} backend(s), {Errors} object error(s)")]
    private static partial void LogApplied(ILogger logger, int frontends, int routes, int backends, int errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} manifest document(s) could not be read; keeping the last good configuration")]
    private static partial void LogKeptLastGood(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "manifests could not be read: {Message}")]
    private static partial void LogUnreadableDirectory(ILogger logger, string message);

    [LoggerMessage(Message = "{Diagnostic}")]
    private static partial void LogDiagnostic(ILogger logger, LogLevel level, string diagnostic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogMergeWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: draining in-flight requests for up to {Seconds}s")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
