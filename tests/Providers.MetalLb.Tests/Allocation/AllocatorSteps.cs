using CloudIngress.Core.Resources;
using CloudIngress.Providers.MetalLb.Allocation;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Tests.Allocation;

/// <summary>
/// MetalLB's allocator tests are ordered steps against one allocator, each with the addresses it
/// expects or an error; these are the same, with exact addresses since our order is fixed.
/// </summary>
internal static class AllocatorSteps
{
    /// <summary>A step: what it does, and "a" / "a,b" for the addresses it gets, "!Reason" for a failure, "" when it returns nothing.</summary>
    public sealed record Step(string Description, Func<Allocator, AllocationResult?> Act, string Want);

    public static void Run(Allocator allocator, params Step[] steps)
    {
        foreach (var step in steps)
        {
            var result = step.Act(allocator);
            var got = result is null ? string.Empty
                : result.Failure is { } f ? "!" + f.Reason
                : string.Join(",", result.Addresses.Select(a => a.ToString()));
            Assert.True(step.Want == got, $"{step.Description}: want {step.Want}, got {got} ({result})");
        }
    }

    public static Step Assign(string description, AllocationRequest service, string addresses, string want) =>
        new(description, a => a.Assign(service, [.. addresses.Split(',').Select(IPAddress.Parse)]), want);

    public static Step FromPool(string description, AllocationRequest service, string pool, string want) =>
        new(description, a => a.AllocateFromPool(service, pool), want);

    public static Step Any(string description, AllocationRequest service, string want) =>
        new(description, a => a.Allocate(service), want);

    public static Step Free(string description, string service) =>
        new(description, a =>
        {
            a.Unassign(service);
            return null;
        }, string.Empty);

    public static AddressPool Pool(string name, params string[] addresses) =>
        new(name, [.. addresses.Select(text => AddressRange.Parse(text, out var error) ?? throw new ArgumentException(error))]);

    public static AddressPool For(this AddressPool pool, int priority = 0, string[]? namespaces = null, string? serviceLabel = null) =>
        pool with
        {
            Allocation = new PoolAllocation
            {
                Priority = priority,
                Namespaces = new HashSet<string>(namespaces ?? [], StringComparer.Ordinal),
                ServiceSelectors = serviceLabel is null ? [] : [Selector(serviceLabel)],
            },
        };

    /// <summary>A Service: ports as "tcp/80,udp/53", labels as "team=metallb".</summary>
    public static AllocationRequest Svc(string key, string ports = "", string sharing = "", string backend = "",
        ServiceFamily family = ServiceFamily.IPv4, FamilyPolicy policy = FamilyPolicy.SingleStack, string ns = "default", string? labels = null,
        IpFamily primary = IpFamily.IPv4) => new()
        {
            Key = key,
            Namespace = ns,
            Labels = labels is null ? new Dictionary<string, string>() : Labels(labels),
            Ports = [.. ports.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('/'))
                .Select(p => new PortKey(p[0].ToUpperInvariant(), int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))],
            SharingKey = sharing,
            BackendKey = backend,
            Family = family,
            Policy = policy,
            PrimaryFamily = primary,
        };

    public static LabelSelector Selector(string label) => new() { MatchLabels = Labels(label) };

    private static Dictionary<string, string> Labels(string text) =>
        text.Split(',').Select(l => l.Split('=')).ToDictionary(l => l[0], l => l[1], StringComparer.Ordinal);
}
