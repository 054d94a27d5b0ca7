using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Providers.Azure.Deploy;

namespace CloudIngress.Providers.Azure;

/// <summary>
/// The Azure provider behind the provider contract. Without a client (plan without a
/// subscription) it plans against an empty resource group and refuses to apply. The client is
/// made on first use, so configuring reads no file and asks for no token.
/// </summary>
public sealed class AzureCloudProvider(Func<ArmRestClient>? client, AzureProviderOptions options) : Provider<AzureInventory>
{
    public const string ProviderName = "azure";

    private readonly Lazy<AzureProvider>? _provider = client is null ? null : new(() => new AzureProvider(client(), options));

    public override string Name => ProviderName;

    public override ProviderScope Scope => ProviderScope.Leader;

    public override bool OwnsCloudResources => true;

    public override async Task<AzureInventory> ObserveAsync(GatewayModel model, CancellationToken cancellationToken) =>
        _provider is null ? AzureInventory.Empty : await Guard(() => _provider.Value.ObserveAsync(cancellationToken));

    public override ProviderPlan Plan(GatewayModel model, AzureInventory observed)
    {
        var (plan, operations) = AzureProvider.Plan(model, observed, options);
        return new ProviderPlan
        {
            Provider = Name,
            Text = [.. AzurePlanText.Lines(plan)],
            Resources = AzurePlanText.Json(plan),
            Operations = [.. operations.Select(o => o.ToPlanned())],
            Diagnostics = plan.Diagnostics,
            Notes = _provider is null ? ["(no --azure-subscription, --azure-resource-group, --azure-location or --azure-appgw-subnet: planned against an empty resource group with placeholders)"] : [],
        };
    }

    public override async Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken)
    {
        var provider = _provider ?? throw new ProviderException(AzureProviderDefinition.Required) { IsConfiguration = true };
        var result = await Guard(() => provider.Value.ApplyAsync(model, cancellationToken));
        return new ProviderApplyResult
        {
            ByFrontend = result.ByFrontend,
            ByMember = result.ByMember,
            Diagnostics = result.Diagnostics,
            Executed = [.. result.Executed.Select(o => o.ToPlanned())],
            Calls = Calls(),
            Warnings = result.Warnings,
        };
    }

    public override Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken) => ApplyAsync(new GatewayModel(), fullResync: true, cancellationToken);

    private IReadOnlyList<ApiCall> Calls() =>
        _provider is not { IsValueCreated: true } ? [] : [.. _provider.Value.Arm.Calls.Select(c => new ApiCall(c.Key, c.Value, ArmRestClient.IsMutating(c.Key)))];

    /// <summary>Azure's failures as the contract's: the message names the resource and ARM's error code, never a token or a certificate.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is AzureApplyIncompleteException or ArmException)
        {
            throw new ProviderException(e.Message, [], Calls(), e);
        }
        catch (Exception e) when (e is AzureConfigurationException or global::Azure.Identity.AuthenticationFailedException or global::Azure.Identity.CredentialUnavailableException)
        {
            throw new ProviderException(e is AzureConfigurationException ? e.Message : $"Azure credentials: {e.Message}", [], Calls(), e) { IsConfiguration = true };
        }
    }
}
