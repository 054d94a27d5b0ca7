using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Build;

/// <summary>
/// Which Services of type LoadBalancer are ours: <c>spec.loadBalancerClass</c> names our class, or
/// names none when so configured. Others are left alone so we never fight a cloud's own service controller.
/// </summary>
internal static class ServiceClassFilter
{
    private const string ClassField = "spec.loadBalancerClass";

    public static bool IsLoadBalancer(Service service) =>
        string.Equals(service.Spec?.Type, "LoadBalancer", StringComparison.Ordinal);

    /// <summary>Only meaningful for a Service of type LoadBalancer: other types are nobody's load balancer.</summary>
    public static Ownership Judge(Service service, BuildOptions options) => service.Spec?.LoadBalancerClass switch
    {
        null when options.HandleServicesWithoutClass => Ownership.Ours,
        null => Ownership.NotOurs(ClassField,
            "names no load balancer class, so it is left to the cluster's default load balancer controller; "
            + $"if this controller should serve it, re-create it with spec.loadBalancerClass: {options.ServiceLoadBalancerClass} "
            + "(the field can only be set on creation)"),
        var lbClass when string.Equals(lbClass, options.ServiceLoadBalancerClass, StringComparison.Ordinal) => Ownership.Ours,
        var lbClass => Ownership.NotOurs(ClassField,
            $"is \"{lbClass}\", another load balancer controller's class (ours is \"{options.ServiceLoadBalancerClass}\")"),
    };
}
