namespace CloudIngress.Tests;

/// <summary>Finds files of the repository from a test's output directory.</summary>
internal static class RepoPaths
{
    public static readonly string Root = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CloudIngress.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CloudIngress.sln not found above the test directory");
    }
}
