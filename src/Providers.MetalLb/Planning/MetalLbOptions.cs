using CloudIngress.Providers.MetalLb.Config;
using CloudIngress.Providers.MetalLb.Exposure;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>Everything the MetalLB provider is configured with.</summary>
public sealed record MetalLbOptions
{
    public ExposureOptions Exposure { get; init; } = new();

    /// <summary>Pools as code; null when the controller leaves pools alone.</summary>
    public MetalLbConfig? Config { get; init; }

    /// <summary>MetalLB's namespace: objects of the config file without a namespace go there.</summary>
    public string PoolNamespace { get; init; } = "metallb-system";
}
