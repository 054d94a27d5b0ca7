using CloudIngress.Kubernetes.Manifests;

namespace CloudIngress.Controller.Standalone;

/// <summary>
/// Tells when a manifests directory changed: file-system events for promptness, a fingerprint
/// (paths, sizes, write times) so that editors' temp files and duplicate events do not reload
/// twice, and a periodic check in case events are lost. Changes are debounced.
/// </summary>
internal sealed class ManifestWatcher : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly FileSystemWatcher? _watcher;
    private readonly SemaphoreSlim _signal = new(0);
    private string _fingerprint;

    public ManifestWatcher(string path)
    {
        _path = path;
        _fingerprint = Fingerprint(path);
        var directory = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            _watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Changed += (_, _) => Signal();
            _watcher.Created += (_, _) => Signal();
            _watcher.Deleted += (_, _) => Signal();
            _watcher.Renamed += (_, _) => Signal();
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException)
        {
            _watcher = null; // out of inotify watches: polling still works
        }
    }

    /// <summary>Completes when the directory's manifests changed and have been quiet for a moment.</summary>
    public async Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _signal.WaitAsync(Poll, cancellationToken);
            while (await _signal.WaitAsync(Quiet, cancellationToken))
            {
                // keep waiting until the burst of events is over
            }

            var current = Fingerprint(_path);
            if (!string.Equals(current, _fingerprint, StringComparison.Ordinal))
            {
                _fingerprint = current;
                return;
            }
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _signal.Dispose();
    }

    private void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static string Fingerprint(string path)
    {
        try
        {
            return string.Join('\n', ManifestDirectory.Files(path).Select(f =>
            {
                var info = new FileInfo(f);
                return $"{f}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
            }));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
