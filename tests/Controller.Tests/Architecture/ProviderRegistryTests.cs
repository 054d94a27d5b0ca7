using CloudIngress.Controller.Cli;
using CloudIngress.Core.Providers;
using System.Reflection;

namespace CloudIngress.Controller.Tests.Architecture;

/// <summary>
/// A provider is one project implementing the contract plus one registration line. Only Controller
/// references provider projects (<see cref="ProjectGraphTests"/>); this checks none is left out of the registry.
/// </summary>
public sealed class ProviderRegistryTests
{
    [Fact]
    public void EveryProviderDefinitionInTheProduct_IsRegistered()
    {
        var product = Directory.GetFiles(AppContext.BaseDirectory, "CloudIngress.*.dll")
            .Where(f => !Path.GetFileName(f).Contains(".Tests", StringComparison.Ordinal) && !Path.GetFileName(f).Contains("Emulators", StringComparison.Ordinal))
            .Select(Assembly.LoadFrom);
        var definitions = product.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IProviderDefinition).IsAssignableFrom(t))
            .ToList();
        Assert.NotEmpty(definitions);
        Assert.Equal(definitions.Select(t => t.FullName).Order(StringComparer.Ordinal), ProviderRegistry.All.Select(p => p.GetType().FullName).Order(StringComparer.Ordinal));
    }
}
