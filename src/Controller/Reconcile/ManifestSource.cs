using CloudIngress.Controller.Standalone;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Manifests;

namespace CloudIngress.Controller.Reconcile;

/// <summary>Manifests mode: the snapshot is a directory of YAML, re-read when it changes.</summary>
internal sealed class ManifestSource(string path) : ISnapshotSource, IDisposable
{
    private readonly ManifestWatcher _watcher = new(path);

    public Task WaitForChangeAsync(CancellationToken cancellationToken) => _watcher.WaitForChangeAsync(cancellationToken);

    public Observation Take()
    {
        ManifestSet set;
        try
        {
            set = ManifestDirectory.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var unreadable = new Diagnostic(DiagnosticSeverity.Error, DiagnosticCodes.ManifestInvalid, new ObjectRef("Directory", null, path), null, e.Message);
            return new Observation(ClusterSnapshot.Empty) { Diagnostics = [unreadable], Unusable = 1 };
        }

        return Of(set);
    }

    /// <summary>What a loaded directory gives the reconciler.</summary>
    public static Observation Of(ManifestSet set) =>
        new(set.Snapshot)
        {
            Diagnostics = set.Diagnostics,
            // A document that does not parse at all would silently drop its routes.
            Unusable = set.Diagnostics.Count(d => d.Code is DiagnosticCodes.ManifestInvalid or DiagnosticCodes.UnsupportedApiVersion),
            Locate = set.Locate,
        };

    public void Dispose() => _watcher.Dispose();
}
