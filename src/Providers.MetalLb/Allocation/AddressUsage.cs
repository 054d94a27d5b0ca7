using System.Net;

namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>
/// Who uses each address, with which sharing and backend keys and on which ports: what decides
/// whether another Service may have it too.
/// </summary>
internal sealed class AddressUsage
{
    private readonly Dictionary<IPAddress, Use> _uses = [];

    public bool InUse(IPAddress ip) => _uses.ContainsKey(ip);

    /// <summary>The addresses in use within <paramref name="range"/>, in ascending order.</summary>
    public IEnumerable<IPAddress> AddressesIn(AddressRange range) =>
        _uses.Keys.Where(range.Contains).OrderBy(IpAddresses.ToNumber);

    /// <summary>
    /// Null when <paramref name="service"/> may use <paramref name="ip"/>: it is free, or its users
    /// have the same non-empty sharing key and backend key and none of them has one of its ports
    /// (same port and protocol). A Service alone on an address may change its key in place.
    /// </summary>
    public AllocationFailure? Check(AllocationRequest service, IPAddress ip)
    {
        if (!_uses.TryGetValue(ip, out var use))
        {
            return null;
        }

        var other = use.Services.FirstOrDefault(s => s != service.Key);
        if (other is not null && SharingProblem(use, service, ip, other) is { } problem)
        {
            return new AllocationFailure(FailureReason.SharingConflict, problem);
        }

        foreach (var port in service.Ports)
        {
            if (use.Ports.TryGetValue(port, out var owner) && owner != service.Key)
            {
                return new AllocationFailure(FailureReason.PortConflict, $"port {port} already used on {ip} by {owner}");
            }
        }

        return null;
    }

    public void Add(AllocationRequest service, IPAddress ip)
    {
        if (!_uses.TryGetValue(ip, out var use))
        {
            _uses[ip] = use = new Use();
        }

        // The address takes the keys of its latest user: equal for sharers, new for a lone Service changing its key.
        use.SharingKey = service.SharingKey;
        use.BackendKey = service.BackendKey;
        use.Services.Add(service.Key);
        foreach (var port in service.Ports)
        {
            use.Ports[port] = service.Key;
        }
    }

    public void Remove(string service, IPAddress ip, IReadOnlyList<PortKey> ports)
    {
        var use = _uses[ip];
        use.Services.Remove(service);
        foreach (var port in ports.Where(p => use.Ports.GetValueOrDefault(p) == service))
        {
            use.Ports.Remove(port);
        }

        if (use.Services.Count == 0)
        {
            _uses.Remove(ip);
        }
    }

    private static string? SharingProblem(Use use, AllocationRequest service, IPAddress ip, string other) =>
        use.SharingKey.Length == 0 ? $"{ip} is used by {other}, which sets no allow-shared-ip key"
        : service.SharingKey.Length == 0 ? $"{ip} is used by {other}; this Service sets no allow-shared-ip key to share it"
        : use.SharingKey != service.SharingKey ? $"sharing key mismatch with {other} on {ip} (\"{service.SharingKey}\" here, \"{use.SharingKey}\" there)"
        : use.BackendKey != service.BackendKey ? $"sharing key matches {other} on {ip}, but their selectors differ and one of them has externalTrafficPolicy: Local"
        : null;

    private sealed class Use
    {
        public string SharingKey { get; set; } = string.Empty;

        public string BackendKey { get; set; } = string.Empty;

        public SortedSet<string> Services { get; } = new(StringComparer.Ordinal);

        public Dictionary<PortKey, string> Ports { get; } = [];
    }
}
