using CloudIngress.Core.Providers;
using CloudIngress.Providers.Aws;
using CloudIngress.Providers.Azure;
using CloudIngress.Providers.MetalLb;
using CloudIngress.Proxy.Provider;

namespace CloudIngress.Controller.Cli;

/// <summary>Every provider this build has: one line per provider project, and the only place that knows them all.</summary>
internal static class ProviderRegistry
{
    public static IReadOnlyList<IProviderDefinition> All { get; } =
    [
        new KestrelProviderDefinition(),
        new AwsProviderDefinition(),
        new AzureProviderDefinition(),
        new MetalLbProviderDefinition(),
    ];
}
