using CloudIngress.Core.Providers;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Providers.Azure.Translate;

namespace CloudIngress.Providers.Azure;

/// <summary><c>--provider azure</c>: an Application Gateway v2 per ingress group, Standard Load Balancers for passthrough and LoadBalancer Services.</summary>
public sealed class AzureProviderDefinition : IProviderDefinition
{
    public const string Required = "--azure-subscription, --azure-resource-group, --azure-location and --azure-appgw-subnet are required with --provider azure";

    public static readonly ProviderOption Subscription = new("--azure-subscription", "Subscription id (else AZURE_SUBSCRIPTION_ID)");

    public static readonly ProviderOption ResourceGroup = new("--azure-resource-group", "Resource group that holds the gateways, load balancers and public IPs");

    public static readonly ProviderOption Location = new("--azure-location", "Azure region of the resources (westeurope)");

    public static readonly ProviderOption GatewaySubnet = new("--azure-appgw-subnet", "Resource id of the subnet dedicated to Application Gateways");

    public static readonly ProviderOption LoadBalancerSubnet = new("--azure-lb-subnet", "Resource id of the subnet for internal load balancer frontends (its virtual network also holds the pods)");

    public static readonly ProviderOption Endpoint = new("--azure-endpoint", "ARM base URL: a sovereign cloud, Azure Stack Hub, an emulator", Default: "https://management.azure.com");

    public static readonly ProviderOption EndpointCa = new("--azure-endpoint-ca", "PEM file of CAs trusted for --azure-endpoint besides the system's (Azure Stack Hub, TLS-inspecting proxies)");

    public static readonly ProviderOption GatewaySku = new("--azure-appgw-sku", "Standard_v2, or WAF_v2 for the web application firewall (OWASP 3.2, prevention)", Default: "Standard_v2");

    public static readonly ProviderOption MaxCapacity = new("--azure-appgw-max-capacity", "Most instances a gateway autoscales to (2 … 125)", ProviderOptionKind.Int, "10");

    public static readonly ProviderOption ManagedIdentity = new("--azure-managed-identity", "Use a managed identity when no workload identity is set: 'system', or a user-assigned identity's client id");

    public string Name => AzureCloudProvider.ProviderName;

    public string Summary => "Azure: an Application Gateway v2 per ingress group, Standard Load Balancers for passthrough and LoadBalancer Services, static public IPs";

    public IReadOnlyList<ProviderOption> Options => [Subscription, ResourceGroup, Location, GatewaySubnet, LoadBalancerSubnet, Endpoint, EndpointCa, GatewaySku, MaxCapacity, ManagedIdentity];

    public ProviderConfiguration Configure(ProviderSettings settings)
    {
        if (settings.ClusterName is not { Length: > 0 } cluster)
        {
            return ProviderConfiguration.Fail("--cluster-name is required with --provider azure: it names and tags everything this cluster owns");
        }

        var values = settings.Values;
        var sku = values.String(GatewaySku)!;
        if (sku is not ("Standard_v2" or "WAF_v2"))
        {
            return ProviderConfiguration.Fail($"--azure-appgw-sku: \"{sku}\" is not Standard_v2 or WAF_v2");
        }

        if (values.Int(MaxCapacity) is < 2 or > 125)
        {
            return ProviderConfiguration.Fail($"--azure-appgw-max-capacity: {values.String(MaxCapacity)} is not between 2 and 125");
        }

        var endpointText = values.String(Endpoint)!;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme != "https")
        {
            return ProviderConfiguration.Fail($"--azure-endpoint: \"{endpointText}\" is not an https URL (bearer tokens go over https only)");
        }

        foreach (var subnet in new[] { (GatewaySubnet, values.String(GatewaySubnet)), (LoadBalancerSubnet, values.String(LoadBalancerSubnet)) })
        {
            if (subnet.Item2 is { } id && !IsSubnetId(id))
            {
                return ProviderConfiguration.Fail($"{subnet.Item1.Flag}: \"{id}\" is not a subnet id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…)");
            }
        }

        var subscription = values.String(Subscription) ?? (Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var resourceGroup = values.String(ResourceGroup);
        var location = values.String(Location);
        var gatewaySubnet = values.String(GatewaySubnet);
        var complete = subscription is not null && resourceGroup is not null && (settings.Verb == ProviderVerb.Destroy || (location is not null && gatewaySubnet is not null));
        if (!complete && settings.Verb != ProviderVerb.Plan)
        {
            return ProviderConfiguration.Fail(settings.Verb == ProviderVerb.Destroy ? "--azure-subscription and --azure-resource-group are required to destroy" : Required);
        }

        var options = new AzureProviderOptions
        {
            Translate = new AzureTranslateOptions
            {
                ClusterName = cluster,
                Subscription = subscription ?? "00000000-0000-0000-0000-000000000000",
                ResourceGroup = resourceGroup ?? "resource-group",
                Location = location ?? "location",
                GatewaySubnet = gatewaySubnet ?? "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/vnet/subnets/appgw",
                LoadBalancerSubnet = values.String(LoadBalancerSubnet),
                GatewaySku = sku,
                MaxCapacity = values.Int(MaxCapacity),
            },
            Warn = settings.Warn,
        };
        if (!complete)
        {
            return ProviderConfiguration.Ok(new AzureCloudProvider(null, options));
        }

        var caFile = values.String(EndpointCa);
        var managedIdentity = values.String(ManagedIdentity);
        return ProviderConfiguration.Ok(new AzureCloudProvider(() =>
        {
            var (credential, _) = AzureCredentials.Resolve(Environment.GetEnvironmentVariable, managedIdentity);
            return new ArmRestClient(
                new ArmClientSettings { Endpoint = endpoint, Time = settings.Time, Transport = caFile is null ? null : ArmTransport.Trusting(ArmTransport.ReadAuthorities(caFile)) },
                credential);
        }, options));
    }

    private static bool IsSubnetId(string id)
    {
        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 10 && id.StartsWith('/')
            && parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) && parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
            && parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase) && parts[5].Equals("Microsoft.Network", StringComparison.OrdinalIgnoreCase)
            && parts[6].Equals("virtualNetworks", StringComparison.OrdinalIgnoreCase) && parts[8].Equals("subnets", StringComparison.OrdinalIgnoreCase);
    }
}
