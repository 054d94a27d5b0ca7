using CloudIngress.Core.Diagnostics;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>What MetalLB would give one Service: a pool and its addresses, or nothing (Pending).</summary>
public sealed record Assignment(ObjectRef Service, string? Pool, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>The addresses were already in its status and stay.</summary>
    public bool Kept { get; init; }

    public bool Pending => Addresses.Count == 0;
}
