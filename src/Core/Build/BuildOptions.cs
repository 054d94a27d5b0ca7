namespace CloudIngress.Core.Build;

/// <summary>What the build needs to know about this controller; the CLI flags fill it.</summary>
public sealed record BuildOptions
{
    public const string DefaultControllerName = "cloudingress.io/ingress-controller";
    public const string DefaultIngressClassName = "cloudingress";
    public const string DefaultServiceClass = "cloudingress.io/lb";

    public static readonly BuildOptions Default = new();

    /// <summary>The <c>spec.controller</c> of IngressClasses we serve.</summary>
    public string ControllerName { get; init; } = DefaultControllerName;

    /// <summary>The class name we answer to even when no IngressClass object names it (standalone manifests).</summary>
    public string IngressClassName { get; init; } = DefaultIngressClassName;

    /// <summary>Services of type LoadBalancer are ours when <c>spec.loadBalancerClass</c> is this.</summary>
    public string ServiceLoadBalancerClass { get; init; } = DefaultServiceClass;

    /// <summary>Also take Services of type LoadBalancer that name no class (no other LB controller in the cluster).</summary>
    public bool HandleServicesWithoutClass { get; init; }

    /// <summary>Ingresses without a group share this one (per scheme): one entry point, not one per Ingress.</summary>
    public string DefaultGroup { get; init; } = "default";

    /// <summary>When set, certificates that expired before it get a diagnostic. Injected so the build stays pure.</summary>
    public DateTimeOffset? Now { get; init; }
}
