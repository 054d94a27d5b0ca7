using CloudIngress.Core.Model;
using CloudIngress.Providers.Aws;

namespace CloudIngress.Controller.Cluster;

/// <summary><c>run --provider aws</c>: each reconcile is one AWS apply; DNS names go to status as hostnames.</summary>
internal sealed class AwsCloudApplier(AwsProvider provider) : ICloudApplier
{
    public async Task<CloudAddresses> ApplyAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        var result = await provider.ApplyAsync(model, cancellationToken);
        return new CloudAddresses(result.Addresses)
        {
            ByMember = result.MemberAddresses.ToDictionary(m => m.Key, m => (IReadOnlyList<string>)[m.Value]),
            Diagnostics = result.Plan.Diagnostics,
        };
    }
}
