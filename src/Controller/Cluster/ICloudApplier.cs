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
    /// and returns the addresses of each frontend by <see cref="Frontend.Id"/>. Throws when it
    /// could not finish; then no finalizer is removed.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ApplyAsync(GatewayModel model, CancellationToken cancellationToken);
}
