using CloudIngress.Emulators.Azure;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Providers.Azure.Tests.Provider;
using CloudIngress.Providers.Azure.Translate;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Tests.Emulator;

/// <summary>The emulator is as strict as ARM where our bodies could go wrong, and so is the client's handling of it.</summary>
public sealed class ArmEmulatorTests
{
    private static JsonObject PublicIp(string allocation = "Static", string? extra = null)
    {
        var body = new JsonObject
        {
            ["location"] = "westeurope",
            ["sku"] = new JsonObject { ["name"] = "Standard", ["tier"] = "Regional" },
            ["properties"] = new JsonObject { ["publicIPAllocationMethod"] = allocation },
        };
        if (extra is not null)
        {
            body["properties"]![extra] = "x";
        }

        return body;
    }

    private static string Id(ArmEmulator arm, string type, string name) => $"{arm.ResourceGroupId()}/providers/Microsoft.Network/{type}/{name}";

    [Theory]
    [InlineData("Dynamic", null, "StandardSkuPublicIPAddressesMustBeStatic")]
    [InlineData("Static", "ipAdress", "Could not find member 'ipAdress'")]
    [InlineData("static", null, "is not one of Static, Dynamic")]
    public async Task Put_BodyArmWouldRefuse_IsRefusedWithArmsCode(string allocation, string? extra, string expected)
    {
        await using var arm = await ArmEmulator.StartAsync();
        var client = AzureTestbed.Client(arm, TimeProvider.System);

        var error = await Assert.ThrowsAsync<ArmException>(() => client.PutAsync(Id(arm, "publicIPAddresses", "pip"), PublicIp(allocation, extra), null, CancellationToken.None));

        Assert.Equal(400, error.Status);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_TagNameWithSlash_IsRefused()
    {
        await using var arm = await ArmEmulator.StartAsync();
        var body = PublicIp();
        body["tags"] = new JsonObject { ["cloudingress.io/cluster"] = "x" };

        var error = await Assert.ThrowsAsync<ArmException>(() => AzureTestbed.Client(arm, TimeProvider.System).PutAsync(Id(arm, "publicIPAddresses", "pip"), body, null, CancellationToken.None));

        Assert.Equal("InvalidTagNameCharacters", error.Code);
    }

    [Fact]
    public async Task Delete_PublicIpStillOnAFrontend_IsRefused_AndAbsentIsFine()
    {
        await using var bed = await AzureTestbed.StartAsync();
        await bed.ApplyAsync(Models.Build(Models.Ingress("shop", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]")));
        var pip = bed.PublicIps.Single()["id"]!.GetValue<string>();

        var error = await Assert.ThrowsAsync<ArmException>(() => bed.Provider.Arm.DeleteAsync(pip, CancellationToken.None));
        await bed.Provider.Arm.DeleteAsync(Id(bed.Arm, "loadBalancers", "never-was"), CancellationToken.None);

        Assert.Equal("PublicIPAddressCannotBeDeleted", error.Code);
    }

    [Fact]
    public async Task Request_WithAnotherToken_IsRefused()
    {
        await using var arm = await ArmEmulator.StartAsync();
        var client = AzureTestbed.Client(arm, TimeProvider.System, token: "wrong");

        var error = await Assert.ThrowsAsync<ArmException>(() => client.ListAsync(arm.Options.Subscription, arm.Options.ResourceGroups[0], "loadBalancers", CancellationToken.None));

        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task List_ManyResources_FollowsNextLinks()
    {
        await using var arm = await ArmEmulator.StartAsync(new ArmEmulatorOptions { PageSize = 2 });
        for (var k = 0; k < 5; k++)
        {
            arm.Seed("publicIPAddresses", $"pip-{k}", PublicIp());
        }

        var all = await AzureTestbed.Client(arm, TimeProvider.System).ListAsync(arm.Options.Subscription, arm.Options.ResourceGroups[0], "publicIPAddresses", CancellationToken.None);

        Assert.Equal(5, all.Count);
        Assert.Equal(3, arm.Calls["GET publicIPAddresses"]);
    }

    [Fact]
    public async Task Gateway_HttpsListenerWithoutCertificate_AndDuplicatePriorities_AreRefused()
    {
        await using var bed = await AzureTestbed.StartAsync();
        var plan = AzureTranslator.Translate(Models.Build(Models.Ingress("shop", $"[{Models.Rule("a.example.com", ("/", "Prefix", "web"))}, {Models.Rule("b.example.com", ("/", "Prefix", "web"))}]")), bed.Options.Translate);
        var pip = plan.Resources.First(r => r.Kind == AzureKind.PublicIp);
        await bed.Provider.Arm.PutAsync(pip.Id, pip.Body, null, CancellationToken.None);
        var gateway = plan.Resources.Single(r => r.Kind == AzureKind.Gateway);
        var rules = (JsonArray)gateway.Body["properties"]!["requestRoutingRules"]!;
        var duplicate = (JsonObject)gateway.Body.DeepClone();
        duplicate["properties"]!["requestRoutingRules"]![1]!["properties"]!["priority"] = rules[0]!["properties"]!["priority"]!.GetValue<int>();
        var https = (JsonObject)gateway.Body.DeepClone();
        https["properties"]!["httpListeners"]![0]!["properties"]!["protocol"] = "Https";

        var priority = await Assert.ThrowsAsync<ArmException>(() => bed.Provider.Arm.PutAsync(gateway.Id, duplicate, null, CancellationToken.None));
        var certificate = await Assert.ThrowsAsync<ArmException>(() => bed.Provider.Arm.PutAsync(gateway.Id, https, null, CancellationToken.None));

        Assert.Equal("ApplicationGatewayRequestRoutingRulePriorityInvalid", priority.Code);
        Assert.Equal("ApplicationGatewayHttpsListenerMustReferenceSslCert", certificate.Code);
    }

    [Fact]
    public void Credentials_NoneInTheEnvironment_FailNamingWhereTheyAreLookedFor()
    {
        var (credential, source) = AzureCredentials.Resolve(_ => null, null);

        var error = Assert.Throws<AzureConfigurationException>(() => credential.GetToken(new global::Azure.Core.TokenRequestContext(["https://management.azure.com/.default"]), CancellationToken.None));

        Assert.Equal("none", source);
        Assert.Contains("AZURE_FEDERATED_TOKEN_FILE", error.Message, StringComparison.Ordinal);
        Assert.Contains("CLOUDINGRESS_AZURE_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_WorkloadIdentity_ComesBeforeAServicePrincipal()
    {
        var environment = new Dictionary<string, string>
        {
            ["AZURE_CLIENT_ID"] = "c", ["AZURE_TENANT_ID"] = "t", ["AZURE_FEDERATED_TOKEN_FILE"] = "/var/run/secrets/azure/tokens/azure-identity-token", ["AZURE_CLIENT_SECRET"] = "s",
        };

        Assert.Equal("workload identity", AzureCredentials.Resolve(environment.GetValueOrDefault, "system").Source);
        environment.Remove("AZURE_FEDERATED_TOKEN_FILE");
        Assert.Equal("system-assigned managed identity", AzureCredentials.Resolve(environment.GetValueOrDefault, "system").Source);
        Assert.Equal("environment service principal", AzureCredentials.Resolve(environment.GetValueOrDefault, null).Source);
    }
}
