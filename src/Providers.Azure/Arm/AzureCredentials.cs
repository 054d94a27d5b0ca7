using Azure.Core;
using Azure.Identity;

namespace CloudIngress.Providers.Azure.Arm;

/// <summary>
/// Picks the credential from what the environment holds, without IO: a static token
/// (<c>CLOUDINGRESS_AZURE_TOKEN</c>, for emulators and tests), then workload identity (AKS), then
/// a managed identity when asked for, then an environment service principal. With none of them,
/// the first token request fails naming every place looked at.
/// </summary>
public static class AzureCredentials
{
    public const string StaticTokenVariable = "CLOUDINGRESS_AZURE_TOKEN";

    public const string Missing =
        "no Azure credentials: set CLOUDINGRESS_AZURE_TOKEN, or workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE), " +
        "or --azure-managed-identity, or a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)";

    /// <summary>The credential and where it came from (for the log; never the secret itself).</summary>
    public static (TokenCredential Credential, string Source) Resolve(Func<string, string?> environment, string? managedIdentity)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value : null;

        if (Get(StaticTokenVariable) is { } token)
        {
            return (new StaticToken(token), StaticTokenVariable);
        }

        var clientId = Get("AZURE_CLIENT_ID");
        var tenantId = Get("AZURE_TENANT_ID");
        if (Get("AZURE_FEDERATED_TOKEN_FILE") is { } file && clientId is not null && tenantId is not null)
        {
            return (new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { ClientId = clientId, TenantId = tenantId, TokenFilePath = file }), "workload identity");
        }

        if (managedIdentity is { Length: > 0 })
        {
            var id = managedIdentity == "system" ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(managedIdentity);
            return (new ManagedIdentityCredential(id), managedIdentity == "system" ? "system-assigned managed identity" : "user-assigned managed identity");
        }

        if (tenantId is not null && clientId is not null && (Get("AZURE_CLIENT_SECRET") is not null || Get("AZURE_CLIENT_CERTIFICATE_PATH") is not null))
        {
            return (new EnvironmentCredential(), "environment service principal");
        }

        return (new NoCredential(), "none");
    }

    /// <summary>A bearer token given as is; it does not expire as far as we know.</summary>
    private sealed class StaticToken(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class NoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AzureConfigurationException(Missing);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AzureConfigurationException(Missing);
    }
}
