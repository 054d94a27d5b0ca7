using CloudIngress.Core.Model;
using CloudIngress.Emulators.Azure;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Translate;
using CloudIngress.Tests;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Tests.Provider;

/// <summary>Faults, crashes, concurrent edits and throttling: every apply ends where the model says, with nothing orphaned.</summary>
public sealed class ConvergenceTests
{
    private static readonly string Web = Models.Ingress("shop", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]", tls: "[{hosts: [app.example.com], secretName: app-tls}]");

    private static readonly string Lb = """
        apiVersion: v1
        kind: Service
        metadata: {name: tcp, namespace: default}
        spec: {type: LoadBalancer, loadBalancerClass: cloudingress.io/lb, ports: [{name: t, port: 5000, protocol: TCP}]}
        ---

        """;

    private static void AssertConverged(AzureTestbed bed, GatewayModel model)
    {
        var plan = AzureTranslator.Translate(model, bed.Options.Translate);
        var owned = bed.Gateways.Concat(bed.LoadBalancers).Concat(bed.PublicIps)
            .Where(r => AzureTags.OwnedBy((r["tags"] as JsonObject ?? []).ToDictionary(t => t.Key, t => t.Value!.ToString()), "test"))
            .Select(r => r["name"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(plan.Resources.Select(r => r.Name).Order(StringComparer.Ordinal), owned);
        Assert.All(bed.Gateways.Concat(bed.LoadBalancers).Concat(bed.PublicIps), r => Assert.Equal("Succeeded", r["properties"]!["provisioningState"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("PUT", "publicIPAddresses")]
    [InlineData("PUT", "applicationGateways")]
    [InlineData("PUT", "loadBalancers")]
    [InlineData("DELETE", "applicationGateways")]
    [InlineData("DELETE", "publicIPAddresses")]
    public async Task CrashAfterCommit_AtAnyStep_RerunConverges(string method, string type)
    {
        await using var bed = await AzureTestbed.StartAsync();
        var before = Models.Build(Web);
        if (method == "DELETE")
        {
            await bed.ApplyAsync(before);
        }

        var model = method == "DELETE" ? Models.Build(Lb) : Models.Build(Web + Lb);
        bed.Arm.Faults.Add(new ArmFault(method, type, ArmFaultKind.AfterCommit));
        await bed.ApplyAsync(model);

        Assert.Equal(0, bed.Arm.Faults.Pending);
        AssertConverged(bed, model);
        var writes = bed.Arm.MutatingCalls;
        Assert.Empty((await bed.ApplyAsync(model)).Executed);
        Assert.Equal(writes, bed.Arm.MutatingCalls);
    }

    [Fact]
    public async Task FailedOperation_IsPutAgainOnTheNextPass()
    {
        await using var bed = await AzureTestbed.StartAsync();
        bed.Arm.Faults.Add(new ArmFault("PUT", "applicationGateways", ArmFaultKind.FailOperation));

        var result = await bed.ApplyAsync(Models.Build(Web));

        Assert.Contains(result.Warnings, w => w.Contains("the operation failed", StringComparison.Ordinal));
        Assert.Equal(2, bed.Arm.Calls["PUT applicationGateways"]);
        AssertConverged(bed, Models.Build(Web));
    }

    [Fact]
    public async Task ConcurrentEdit_Gets412_ThenReadsAgainAndWins()
    {
        await using var bed = await AzureTestbed.StartAsync();
        await bed.ApplyAsync(Models.Build(Web));
        var gateway = bed.Gateways[0]["name"]!.GetValue<string>();

        // Someone changes the gateway between our read and our PUT: the etag we send no longer matches.
        bed.Arm.Faults.Add(new ArmFault("PUT", "applicationGateways", ArmFaultKind.Refuse, Status: 412));
        bed.Arm.Edit("applicationGateways", gateway, g => g["properties"]!["enableHttp2"] = false);
        var result = await bed.ApplyAsync(Models.Build(Web));

        Assert.True(bed.Gateways[0]["properties"]!["enableHttp2"]!.GetValue<bool>());
        Assert.Contains(result.Warnings, w => w.Contains("(412)", StringComparison.Ordinal));
        Assert.Contains(bed.Arm.Requests, r => r.Method == "PUT" && r.Status == 412);
    }

    [Fact]
    public async Task StaleEtag_IsRefusedByTheEmulator_With412()
    {
        await using var bed = await AzureTestbed.StartAsync();
        await bed.ApplyAsync(Models.Build(Web));
        var observed = await bed.Provider.ObserveAsync(CancellationToken.None);
        var name = bed.Gateways[0]["name"]!.GetValue<string>();
        bed.Arm.Edit("applicationGateways", name, g => g["properties"]!["enableHttp2"] = false);
        var stale = observed.Find(AzureKind.Gateway, name)!;

        var error = await Assert.ThrowsAsync<Arm.ArmException>(() => bed.Provider.Arm.PutAsync(stale.Id, (JsonObject)stale.Body.DeepClone(), stale.Etag, CancellationToken.None));

        Assert.True(error.IsConflict);
    }

    [Fact]
    public async Task Throttled_WaitsWhatRetryAfterSays_OnTheClock()
    {
        var clock = new TestClock();
        await using var arm = await ArmEmulator.StartAsync();
        var client = AzureTestbed.Client(arm, clock);
        arm.Faults.Add(new ArmFault("PUT", "publicIPAddresses", ArmFaultKind.Refuse, Status: 429, RetryAfterSeconds: 17));
        var provider = new AzureProvider(client, new AzureProviderOptions { Translate = AzureTestbed.TranslateOptions(arm) });

        var apply = provider.ApplyAsync(Models.Build(Lb), CancellationToken.None);
        await Eventually.Until(() => clock.Waiting > 0 || apply.IsCompleted, what: "the retry waiting on the clock");
        Assert.Equal(TimeSpan.FromSeconds(17), clock.Requested[0]);
        clock.Advance(TimeSpan.FromSeconds(17));
        await apply;

        Assert.Single(arm.Resources("loadBalancers"));
        Assert.Contains(arm.Requests, r => r.Status == 429);
    }

    [Fact]
    public async Task ForeignResource_WithOurName_IsNeverTouched()
    {
        await using var bed = await AzureTestbed.StartAsync();
        var plan = AzureTranslator.Translate(Models.Build(Lb), bed.Options.Translate);
        var pip = plan.Resources.First(r => r.Kind == AzureKind.PublicIp);
        bed.Arm.Seed("publicIPAddresses", pip.Name, new JsonObject
        {
            ["location"] = "westeurope",
            ["tags"] = new JsonObject { ["owner"] = "someone-else" },
            ["sku"] = new JsonObject { ["name"] = "Standard" },
            ["properties"] = new JsonObject { ["publicIPAllocationMethod"] = "Static" },
        });
        var unmanaged = "unmanaged-gw";
        bed.Arm.Seed("publicIPAddresses", unmanaged, new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject() });

        var result = await bed.ApplyAsync(Models.Build(Lb));
        await bed.ApplyAsync(new GatewayModel());

        Assert.Contains(bed.PublicIps, p => p["name"]!.GetValue<string>() == unmanaged);
        Assert.Equal("someone-else", bed.PublicIps.Single(p => p["name"]!.GetValue<string>() == pip.Name)["tags"]!["owner"]!.GetValue<string>());
        Assert.DoesNotContain(bed.Arm.Requests, r => r.Method is "PUT" or "DELETE" && r.Path.Contains($"/publicIPAddresses/{pip.Name}", StringComparison.Ordinal));
        Assert.Empty(bed.LoadBalancers);
        Assert.Contains(result.Diagnostics, d => d.Code == "ProviderUnsupported" && d.Message.Contains("is not tagged cloudingress.io_cluster=test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RandomChangesWithFaults_AlwaysConverge_WithNoOrphans()
    {
        var random = new Random(1515);
        string[] pieces = [Web, Lb, Models.Ingress("blog", $"[{Models.Rule("blog.example.com", ("/", "Prefix", "web"), ("/x", "Exact", "api"))}]", "cloudingress.io/group: blog"),
            Models.Ingress("tcp-pass", $"[{Models.Rule("secure.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough")];
        (string Method, string Type, ArmFaultKind Kind, int Status)[] faults =
        [
            ("PUT", "applicationGateways", ArmFaultKind.AfterCommit, 500), ("PUT", "loadBalancers", ArmFaultKind.Refuse, 503),
            ("DELETE", "publicIPAddresses", ArmFaultKind.AfterCommit, 500), ("PUT", "publicIPAddresses", ArmFaultKind.FailOperation, 500),
            ("DELETE", "loadBalancers", ArmFaultKind.Refuse, 429), ("PUT", "applicationGateways", ArmFaultKind.Refuse, 412),
        ];
        await using var bed = await AzureTestbed.StartAsync();
        for (var round = 0; round < 12; round++)
        {
            var model = Models.Build(string.Concat(pieces.Where(_ => random.Next(2) == 0)));
            var fault = faults[random.Next(faults.Length)];
            bed.Arm.Faults.Add(new ArmFault(fault.Method, fault.Type, fault.Kind, fault.Status));
            await bed.ApplyAsync(model);
            bed.Arm.Faults.Clear();
            AssertConverged(bed, model);
        }

        await bed.ApplyAsync(new GatewayModel());
        Assert.Empty(bed.Gateways);
        Assert.Empty(bed.LoadBalancers);
        Assert.Empty(bed.PublicIps);
    }
}
