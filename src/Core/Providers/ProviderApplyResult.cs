using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;

namespace CloudIngress.Core.Providers;

/// <summary>Calls made to a cloud API by operation name; mutating ones change something.</summary>
public sealed record ApiCall(string Operation, long Count, bool Mutating);

/// <summary>What an apply did and where each frontend can be reached.</summary>
public sealed record ProviderApplyResult
{
    public static readonly ProviderApplyResult Empty = new();

    /// <summary>Addresses (IPs or host names) by <see cref="Frontend.Id"/>; a frontend not listed has none yet.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByFrontend { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Where a frontend's members differ (a group split over several load balancers).</summary>
    public IReadOnlyDictionary<ObjectRef, IReadOnlyList<string>> ByMember { get; init; } = new Dictionary<ObjectRef, IReadOnlyList<string>>();

    /// <summary>What the provider could not carry out as asked, for Events and the CLI.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>Every change carried out, in order.</summary>
    public IReadOnlyList<PlannedOperation> Executed { get; init; } = [];

    /// <summary>API calls by operation, counted over the provider instance's life (so <c>/metrics</c> can show them as counters).</summary>
    public IReadOnlyList<ApiCall> Calls { get; init; } = [];

    /// <summary>Problems worked around (a node without an instance, a retried pass).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The addresses <paramref name="member"/> of <paramref name="frontend"/> publishes, or null while unknown.</summary>
    public IReadOnlyList<string>? For(Frontend frontend, ObjectRef member) =>
        ByMember.GetValueOrDefault(member) ?? ByFrontend.GetValueOrDefault(frontend.Id);
}
