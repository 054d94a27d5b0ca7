using CloudIngress.Core.Model;

namespace CloudIngress.Providers.MetalLb.Exposure;

/// <summary>Where the proxy runs and how the Services in front of it look.</summary>
public sealed record ExposureOptions
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "cloudingress";

    /// <summary>Namespace of the proxy pods; the owned Services live there.</summary>
    public string Namespace { get; init; } = "cloudingress";

    /// <summary>Labels of the proxy pods.</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "cloudingress" };

    /// <summary>Local keeps client addresses (source ranges need them); Cluster lets other Services share the address more easily.</summary>
    public string ExternalTrafficPolicy { get; init; } = "Local";

    /// <summary>What the shared Service asks of MetalLB (pool, addresses, sharing key); null: any address.</summary>
    public AddressRequest? Shared { get; init; }
}
