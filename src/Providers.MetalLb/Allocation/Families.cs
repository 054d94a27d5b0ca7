namespace CloudIngress.Providers.MetalLb.Allocation;

public enum IpFamily
{
    IPv4,
    IPv6,
}

/// <summary>What a Service needs: one address of a family, or one of each.</summary>
public enum ServiceFamily
{
    IPv4,
    IPv6,
    DualStack,
}

/// <summary><c>spec.ipFamilyPolicy</c>; absent means <see cref="SingleStack"/>, as in MetalLB.</summary>
public enum FamilyPolicy
{
    SingleStack,
    PreferDualStack,
    RequireDualStack,
}

public static class Families
{
    public static string Text(this ServiceFamily family) => family == ServiceFamily.DualStack ? "dual-stack" : family.ToString();

    public static ServiceFamily AsService(this IpFamily family) => family == IpFamily.IPv4 ? ServiceFamily.IPv4 : ServiceFamily.IPv6;

    public static IpFamily Other(this IpFamily family) => family == IpFamily.IPv4 ? IpFamily.IPv6 : IpFamily.IPv4;
}
