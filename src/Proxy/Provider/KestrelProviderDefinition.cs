using CloudIngress.Core.Providers;

namespace CloudIngress.Proxy.Provider;

/// <summary><c>--provider kestrel</c>, the default: the proxy in this process is the data plane.</summary>
public sealed class KestrelProviderDefinition : IProviderDefinition
{
    public string Name => KestrelProvider.ProviderName;

    public string Summary => "this process's Kestrel proxy serves every route (bare metal, or behind any L4 load balancer)";

    public IReadOnlyList<ProviderOption> Options => [];

    public ProviderConfiguration Configure(ProviderSettings settings) =>
        ProviderConfiguration.Ok(new KestrelProvider(settings.DataPlane, settings.PublishAddresses));
}
