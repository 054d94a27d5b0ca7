namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>The Service annotations MetalLB reads: <c>metallb.io/…</c>, else its deprecated <c>metallb.universe.tf/…</c> twin.</summary>
public static class MetalLbAnnotations
{
    public const string AddressPool = "metallb.io/address-pool";
    public const string LoadBalancerIps = "metallb.io/loadBalancerIPs";
    public const string AllowSharedIp = "metallb.io/allow-shared-ip";
    public const string DeprecatedPrefix = "metallb.universe.tf/";

    public static readonly IReadOnlyList<string> All = [AddressPool, LoadBalancerIps, AllowSharedIp];

    public static string Deprecated(string key) => DeprecatedPrefix + key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>
    /// The value MetalLB uses and the key it came from: a present <c>metallb.io</c> key wins even
    /// when empty, as in MetalLB.
    /// </summary>
    public static (string? Value, string? Key) Read(IReadOnlyDictionary<string, string>? annotations, string key)
    {
        if (annotations is null)
        {
            return (null, null);
        }

        if (annotations.TryGetValue(key, out var value))
        {
            return (value, key);
        }

        var deprecated = Deprecated(key);
        return annotations.TryGetValue(deprecated, out value) ? (value, deprecated) : (null, null);
    }
}
