using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;

namespace CloudIngress.Controller.Cluster;

/// <summary>
/// The Apply stage of a provider that creates resources outside the cluster (AWS, Azure). The
/// controller calls it on the leader only, guards the objects it serves with the finalizer, and
/// publishes the addresses it returns.
/// </summary>
internal interface ICloudApplier
{
    /// <summary>
    /// Makes the cloud match <paramref name="model"/>, deleting what no frontend needs any more,
    /// and returns the addresses of each frontend. Throws when it could not finish; then no
    /// finalizer is removed.
    /// </summary>
    Task<CloudAddresses> ApplyAsync(GatewayModel model, CancellationToken cancellationToken);
}

/// <summary>Addresses by <see cref="Frontend.Id"/>, and by member where a frontend's members differ (a group split over load balancers); the provider's diagnostics.</summary>
internal sealed record CloudAddresses(IReadOnlyDictionary<string, IReadOnlyList<string>> ByFrontend)
{
    public IReadOnlyDictionary<ObjectRef, IReadOnlyList<string>> ByMember { get; init; } = new Dictionary<ObjectRef, IReadOnlyList<string>>();

    /// <summary>What the provider could not carry out as asked (its Translate stage's findings), for Events.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public IReadOnlyList<string>? For(Frontend frontend, ObjectRef member) =>
        ByMember.GetValueOrDefault(member) ?? ByFrontend.GetValueOrDefault(frontend.Id);
}
