using CloudIngress.Emulators.Azure;

namespace CloudIngress.Providers.Azure.Tests.Provider;

/// <summary>The provider against the ARM emulator: create, converge, change, destroy, with the calls each takes.</summary>
public sealed class AzureProviderTests
{
    private const string Tls = "[{hosts: [app.example.com], secretName: app-tls}]";

    private static string Shop(string extra = "") => Models.Ingress("shop",
        $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"))}]", $"cloudingress.io/ssl-redirect: \"true\"{extra}", Tls);

    [Fact]
    public async Task Apply_NewIngress_CreatesPublicIpThenGatewayAndPublishesTheAddress()
    {
        await using var bed = await AzureTestbed.StartAsync();
        var result = await bed.ApplyAsync(Models.Build(Shop()));

        var pip = Assert.Single(bed.PublicIps);
        var gateway = Assert.Single(bed.Gateways);
        var address = pip["properties"]!["ipAddress"]!.GetValue<string>();
        Assert.Equal("Succeeded", gateway["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal([address], result.ByFrontend["ingress/default"]);
        Assert.Equal([address], result.ByMember[new("Ingress", "default", "shop")]);
        Assert.Equal(["PutPublicIPAddress", "PutApplicationGateway"], result.Executed.Select(o => o.Call));
        Assert.Equal(1, bed.Arm.Calls["PUT applicationGateways"]);
        Assert.True(bed.Arm.Calls["GET operations"] >= 4, "each PUT waits for its operation over a few polls");
    }

    [Fact]
    public async Task Apply_Unchanged_MakesNoWrite()
    {
        await using var bed = await AzureTestbed.StartAsync();
        var model = Models.Build(Shop());
        await bed.ApplyAsync(model);
        var writes = bed.Arm.MutatingCalls;

        var again = await bed.ApplyAsync(model);

        Assert.Empty(again.Executed);
        Assert.Equal(writes, bed.Arm.MutatingCalls);
        Assert.NotEmpty(again.ByFrontend);
    }

    [Fact]
    public async Task Apply_SeveralChanges_OnePutOfTheGateway()
    {
        await using var bed = await AzureTestbed.StartAsync();
        await bed.ApplyAsync(Models.Build(Shop()));
        var puts = bed.Arm.Calls["PUT applicationGateways"];

        var edited = Models.Build(Shop(", cloudingress.io/healthcheck-path: /healthz") + Models.Ingress("blog", $"[{Models.Rule("blog.example.com", ("/", "Prefix", "web"))}]"));
        var result = await bed.ApplyAsync(edited);

        Assert.Equal(puts + 1, bed.Arm.Calls["PUT applicationGateways"]);
        Assert.Equal(["PutApplicationGateway"], result.Executed.Select(o => o.Call));
        Assert.Contains(bed.Gateways[0]["properties"]!["httpListeners"]!.AsArray(), l => l!["properties"]!["hostName"]?.GetValue<string>() == "blog.example.com");
    }

    [Fact]
    public async Task Destroy_DeletesTheGatewayBeforeItsPublicIp()
    {
        await using var bed = await AzureTestbed.StartAsync();
        await bed.ApplyAsync(Models.Build(Shop()));

        var result = await bed.ApplyAsync(new Core.Model.GatewayModel());

        Assert.Equal(["DeleteApplicationGateway", "DeletePublicIPAddress"], result.Executed.Select(o => o.Call));
        Assert.Empty(bed.Gateways);
        Assert.Empty(bed.PublicIps);
    }

    [Fact]
    public async Task Apply_EveryRequestBody_MatchesTheRestSpecification()
    {
        await using var bed = await AzureTestbed.StartAsync();
        await bed.ApplyAsync(Models.Build(Shop(", cloudingress.io/healthcheck-path: /healthz")));

        var puts = bed.Arm.Requests.Where(r => r.Method == "PUT").ToList();
        Assert.NotEmpty(puts);
        foreach (var put in puts)
        {
            var definition = put.Path.Contains("/applicationGateways/", StringComparison.Ordinal) ? "ApplicationGateway"
                : put.Path.Contains("/loadBalancers/", StringComparison.Ordinal) ? "LoadBalancer" : "PublicIPAddress";
            Assert.Empty(SpecFacts.Violations(System.Text.Json.Nodes.JsonNode.Parse(put.Body!), definition));
        }
    }
}
