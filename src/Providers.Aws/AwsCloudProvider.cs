using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws;

/// <summary>
/// The AWS provider behind the provider contract. Without clients (no region) it plans against
/// an empty account and refuses to apply.
/// </summary>
public sealed class AwsCloudProvider(AwsClients? clients, AwsProviderOptions options) : Provider<AwsObservation>
{
    public const string ProviderName = "aws";

    private readonly AwsProvider? _provider = clients is null ? null : new AwsProvider(clients, options);

    public override string Name => ProviderName;

    public override ProviderScope Scope => ProviderScope.Leader;

    public override bool OwnsCloudResources => true;

    public override async Task<AwsObservation> ObserveAsync(GatewayModel model, CancellationToken cancellationToken) =>
        _provider is null ? AwsObservation.Empty : await Guard(() => _provider.ObserveAsync(model, cancellationToken));

    public override ProviderPlan Plan(GatewayModel model, AwsObservation observed)
    {
        var (plan, operations) = AwsProvider.Plan(model, observed, options);
        return new ProviderPlan
        {
            Provider = Name,
            Text = [.. AwsPlanText.Lines(plan)],
            Resources = AwsPlanText.Json(plan),
            Operations = [.. operations.Select(ToPlanned)],
            Diagnostics = plan.Diagnostics,
            Notes = _provider is null ? ["(no --aws-region: planned against an empty account, without certificate discovery)"] : [],
        };
    }

    public override async Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
    {
        var provider = _provider ?? throw new ProviderException("--aws-region (or AWS_REGION) is required") { IsConfiguration = true };
        var result = await Guard(() => provider.ApplyAsync(model, fullResync, cancellationToken));
        return new ProviderApplyResult
        {
            ByFrontend = result.Addresses,
            ByMember = result.MemberAddresses.ToDictionary(m => m.Key, m => (IReadOnlyList<string>)[m.Value]),
            Diagnostics = result.Plan.Diagnostics,
            Executed = [.. result.Executed.Select(ToPlanned)],
            Calls = Calls(),
            Warnings = result.Warnings,
        };
    }

    public override Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => ApplyAsync(new GatewayModel(), fullResync: true, cancellationToken);

    protected override void Dispose(bool disposing) => clients?.Dispose();

    private static PlannedOperation ToPlanned(AwsOperation operation) =>
        new(operation.Verb switch { '+' => OperationAction.Create, '~' => OperationAction.Update, _ => OperationAction.Delete }, operation.Call, operation.Subject);

    private IReadOnlyList<ApiCall> Calls() =>
        clients is null ? [] : [.. clients.Calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new ApiCall(c.Key, c.Value, AwsClients.IsMutating(c.Key)))];

    /// <summary>AWS's failures as the contract's: the message names the call and the error code, never a credential.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AwsApplyIncompleteException e)
        {
            // What kept changing, as errors on the Ingresses and Services concerned: they become Events.
            throw new ProviderException(e.Message, e.Diagnostics, Calls(), e);
        }
        catch (Exception e) when (e is AwsServiceException or HttpRequestException)
        {
            throw new ProviderException(e.Message, [], Calls(), e);
        }
        catch (AwsConfigurationException e)
        {
            throw new ProviderException(e.Message, [], Calls(), e) { IsConfiguration = true };
        }
    }
}
