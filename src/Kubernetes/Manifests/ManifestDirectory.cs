namespace CloudIngress.Kubernetes.Manifests;

/// <summary>The standalone Observe source: every *.yaml, *.yml and *.json below a directory, in path order.</summary>
public static class ManifestDirectory
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Loads a directory (or a single file); throws <see cref="DirectoryNotFoundException"/> when there is neither.</summary>
    public static ManifestSet Load(string path)
    {
        var collector = new ManifestCollector();
        foreach (var file in Files(path))
        {
            var relative = File.Exists(path) ? Path.GetFileName(path) : Path.GetRelativePath(path, file);
            collector.AddText(File.ReadAllText(file), relative.Replace('\\', '/'));
        }

        return collector.Build();
    }

    public static IReadOnlyList<string> Files(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"manifests directory \"{path}\" does not exist");
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden };
        return Directory.EnumerateFiles(path, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Where(f => !Path.GetRelativePath(path, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
