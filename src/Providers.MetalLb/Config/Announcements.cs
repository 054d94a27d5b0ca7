using CloudIngress.Core.Resources;

namespace CloudIngress.Providers.MetalLb.Config;

/// <summary>Which pools an L2Advertisement or BGPAdvertisement announces: named ones, label-selected ones, or all when it names none.</summary>
public static class Announcements
{
    public static bool IsAnnounced(IPAddressPool pool, IEnumerable<L2Advertisement> l2, IEnumerable<BGPAdvertisement> bgp) =>
        l2.Any(a => Selects(a.Spec?.IpAddressPools, a.Spec?.IpAddressPoolSelectors, pool))
        || bgp.Any(a => Selects(a.Spec?.IpAddressPools, a.Spec?.IpAddressPoolSelectors, pool));

    private static bool Selects(IReadOnlyList<string>? names, IReadOnlyList<LabelSelector>? selectors, IPAddressPool pool) =>
        (names is not { Count: > 0 } && selectors is not { Count: > 0 })
        || (names ?? []).Contains(pool.Metadata.Name ?? string.Empty, StringComparer.Ordinal)
        || (selectors ?? []).Any(s => s.Matches(pool.Metadata.Labels));
}
