using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Tests;
using System.Reflection;

namespace CloudIngress.Core.Tests;

/// <summary>The docs a user reads list every annotation key and every diagnostic code there is.</summary>
public sealed class DocumentationTests
{
    private static readonly string Docs = RepoPaths.Of("docs");

    [Fact]
    public void AnnotationsDoc_ListsEveryKeyWeRead()
    {
        var text = File.ReadAllText(Path.Combine(Docs, "annotations.md"));
        var keys = AnnotationCatalog.All.SelectMany(d => d.Keys).Select(k => k.Name);
        Assert.All(keys, key => Assert.Contains($"`{key}`", text, StringComparison.Ordinal));
        Assert.All(AnnotationCatalog.SnippetKeys.Select(k => k[(k.IndexOf('/', StringComparison.Ordinal) + 1)..]),
            snippet => Assert.Contains(snippet, text, StringComparison.Ordinal));
    }

    [Fact]
    public void DiagnosticsDoc_ExplainsEveryCode()
    {
        var text = File.ReadAllText(Path.Combine(Docs, "diagnostics.md"));
        var codes = typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        Assert.All(codes, code => Assert.Contains($"| `{code}` |", text, StringComparison.Ordinal));
    }

}
