using Azure.Core.Pipeline;
using CloudIngress.Core.Model;
using CloudIngress.Emulators.Azure;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Providers.Azure.Translate;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Tests.Provider;

/// <summary>An ARM emulator and an Azure provider pointed at it over https, trusting the emulator's CA through its transport.</summary>
internal sealed class AzureTestbed : IAsyncDisposable
{
    private AzureTestbed(ArmEmulator arm, AzureProvider provider, AzureProviderOptions options)
    {
        Arm = arm;
        Provider = provider;
        Options = options;
    }

    public ArmEmulator Arm { get; }

    public AzureProvider Provider { get; }

    public AzureProviderOptions Options { get; }

    public static async Task<AzureTestbed> StartAsync(ArmEmulatorOptions? emulator = null, TimeProvider? time = null, string cluster = "test", string sku = "Standard_v2")
    {
        var arm = await ArmEmulator.StartAsync(emulator);
        var options = new AzureProviderOptions { Translate = TranslateOptions(arm, cluster, sku) };
        var client = Client(arm, time ?? TimeProvider.System);
        return new AzureTestbed(arm, new AzureProvider(client, options), options);
    }

    public static ArmRestClient Client(ArmEmulator arm, TimeProvider time, string? token = null) => new(
        new ArmClientSettings
        {
            Endpoint = arm.Url,
            Transport = new HttpClientTransport(new HttpClient(arm.Authority.Handler())),
            Time = time,
            FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        },
        AzureCredentials.Resolve(name => name == AzureCredentials.StaticTokenVariable ? token ?? arm.Options.Token : null, null).Credential);

    public static AzureTranslateOptions TranslateOptions(ArmEmulator arm, string cluster = "test", string sku = "Standard_v2") => new()
    {
        ClusterName = cluster,
        Subscription = arm.Options.Subscription,
        ResourceGroup = arm.Options.ResourceGroups[0],
        Location = arm.Options.Location,
        GatewaySubnet = arm.Options.Subnets[0],
        LoadBalancerSubnet = arm.Options.Subnets[1],
        GatewaySku = sku,
    };

    public Task<AzureApplyResult> ApplyAsync(GatewayModel model) => Provider.ApplyAsync(model, CancellationToken.None);

    public IReadOnlyList<JsonObject> Gateways => Arm.Resources("applicationGateways");

    public IReadOnlyList<JsonObject> LoadBalancers => Arm.Resources("loadBalancers");

    public IReadOnlyList<JsonObject> PublicIps => Arm.Resources("publicIPAddresses");

    public async ValueTask DisposeAsync() => await Arm.DisposeAsync();
}
