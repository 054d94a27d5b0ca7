using CloudIngress.Core.Diagnostics;
using CloudIngress.Emulators.Azure;
using CloudIngress.Providers.Azure.Translate;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Tests.Translate;

/// <summary>Translate rules, from YAML manifests to the bodies we PUT.</summary>
public sealed class AzureTranslatorTests
{
    private const string AppTls = "[{hosts: [app.example.com], secretName: app-tls}]";

    private static readonly AzureTranslateOptions Options = new()
    {
        ClusterName = "test",
        Subscription = "sub",
        ResourceGroup = "rg",
        Location = "westeurope",
        GatewaySubnet = "/subscriptions/sub/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/appgw",
        LoadBalancerSubnet = "/subscriptions/sub/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/lb",
    };

    private static AzurePlan Plan(string yaml, AzureTranslateOptions? options = null) => AzureTranslator.Translate(Models.Build(yaml), options ?? Options);

    private static JsonObject Gateway(AzurePlan plan) => plan.Resources.Single(r => r.Kind == AzureKind.Gateway).Body["properties"]!.AsObject();

    private static IEnumerable<JsonObject> Items(JsonObject properties, string collection) => properties[collection]!.AsArray().Select(i => i!.AsObject());

    [Fact]
    public void Translate_PrefixAndExactPaths_KeepKubernetesPrecedenceAndMatchSegments()
    {
        var plan = Plan(Models.Ingress("shop", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"), ("/api/v1", "Exact", "web"))}]"));
        var map = Items(Gateway(plan), "urlPathMaps").Single();

        var paths = Items(map["properties"]!.AsObject(), "pathRules").Select(r => string.Join(" ", r["properties"]!["paths"]!.AsArray().Select(p => p!.GetValue<string>())));
        Assert.Equal(["/api/v1", "/api /api/*"], paths);
        Assert.NotNull(map["properties"]!["defaultBackendAddressPool"]);
        Assert.Equal("PathBasedRouting", Items(Gateway(plan), "requestRoutingRules").Single()["properties"]!["ruleType"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_HostsGetUniquePrioritiesExactBeforeWildcard()
    {
        var plan = Plan(Models.Ingress("a", $"[{Models.Rule("*.example.com", ("/", "Prefix", "web"))}, {Models.Rule("app.example.com", ("/", "Prefix", "web"))}, {Models.Rule("", ("/", "Prefix", "web"))}]"));
        var gateway = Gateway(plan);
        var listeners = Items(gateway, "httpListeners").ToDictionary(l => l["id"] is null ? $"{Options.ResourceId("applicationGateways", plan.Resources.Single(r => r.Kind == AzureKind.Gateway).Name)}/httpListeners/{l["name"]}" : string.Empty, l => l);
        var order = Items(gateway, "requestRoutingRules").OrderBy(r => r["properties"]!["priority"]!.GetValue<int>())
            .Select(r => listeners[r["properties"]!["httpListener"]!["id"]!.GetValue<string>()]["properties"]!)
            .Select(p => p["hostName"]?.GetValue<string>() ?? p["hostNames"]?[0]?.GetValue<string>() ?? "*").ToList();

        Assert.Equal(["app.example.com", "*.example.com", "*"], order);
        Assert.Equal(3, Items(gateway, "requestRoutingRules").Select(r => r["properties"]!["priority"]!.GetValue<int>()).Distinct().Count());
    }

    [Fact]
    public void Translate_SslRedirect_RedirectsToTheHttpsListenerOfTheSameHost()
    {
        var gateway = Gateway(Plan(Models.Ingress("app", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/ssl-redirect: \"true\"", AppTls)));

        var redirect = Items(gateway, "redirectConfigurations").Single()["properties"]!;
        var target = redirect["targetListener"]!["id"]!.GetValue<string>();
        var https = Items(gateway, "httpListeners").Single(l => l["properties"]!["protocol"]!.GetValue<string>() == "Https");
        Assert.EndsWith("/httpListeners/" + https["name"], target, StringComparison.Ordinal);
        Assert.Equal("Permanent", redirect["redirectType"]!.GetValue<string>());
        Assert.NotNull(https["properties"]!["sslCertificate"]);
    }

    [Fact]
    public void Translate_Certificate_NameCarriesTheFingerprint_AndNoSecretReachesThePlan()
    {
        var plan = Plan(Models.Ingress("app", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]", tls: AppTls));
        var certificate = Items(Gateway(plan), "sslCertificates").Single();

        Assert.Null(certificate["properties"]!["data"]);
        Assert.Null(certificate["properties"]!["password"]);
        Assert.StartsWith("cert-app-tls-", certificate["name"]!.GetValue<string>(), StringComparison.Ordinal);
        var json = AzurePlanText.Json(plan).ToJsonString();
        Assert.DoesNotContain("PRIVATE KEY", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"password\"", json, StringComparison.Ordinal);
        Assert.True(plan.Certificates.ContainsKey(certificate["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Translate_Bridge_TrustsTheCaSecretAndSendsTheSni()
    {
        var gateway = Gateway(Plan(Models.Ingress("bridge", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]",
            "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: backend-ca, cloudingress.io/backend-sni: web.internal", AppTls)));

        var settings = Items(gateway, "backendHttpSettingsCollection").Single()["properties"]!;
        Assert.Equal("Https", settings["protocol"]!.GetValue<string>());
        Assert.Equal("web.internal", settings["hostName"]!.GetValue<string>());
        var root = Items(gateway, "trustedRootCertificates").Single();
        Assert.EndsWith("/trustedRootCertificates/" + root["name"], settings["trustedRootCertificates"]![0]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(Convert.FromBase64String(root["properties"]!["data"]!.GetValue<string>()));
    }

    [Fact]
    public void Translate_UnenforceablePolicy_FailsClosedToAnEmptyPool()
    {
        var plan = Plan(Models.Ingress("rw", $"[{Models.Rule("app.example.com", ("/old", "Prefix", "web"))}]", "cloudingress.io/rewrite-target: /"));

        Assert.Contains(plan.Diagnostics, d => d is { Code: DiagnosticCodes.ProviderUnsupported, Severity: DiagnosticSeverity.Error } && d.Message.Contains("rewrite-target", StringComparison.Ordinal));
        var rule = Items(Items(Gateway(plan), "urlPathMaps").Single()["properties"]!.AsObject(), "pathRules").Single();
        Assert.EndsWith("/backendAddressPools/pool-deny", rule["properties"]!["backendAddressPool"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(Items(Gateway(plan), "backendAddressPools").Single(p => p["name"]!.GetValue<string>() == "pool-deny")["properties"]!["backendAddresses"]!.AsArray());
    }

    [Fact]
    public void Translate_Passthrough_GoesToALoadBalancerTcpRule()
    {
        var plan = Plan(Models.Ingress("secure", $"[{Models.Rule("secure.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough"));

        var balancer = plan.Resources.Single(r => r.Kind == AzureKind.LoadBalancer);
        var rule = balancer.Body["properties"]!["loadBalancingRules"]![0]!["properties"]!;
        Assert.Equal("Tcp", rule["protocol"]!.GetValue<string>());
        Assert.Equal(443, rule["frontendPort"]!.GetValue<int>());
        Assert.Equal([new ObjectRef("Ingress", "default", "secure")], balancer.Members);
        Assert.DoesNotContain(plan.Resources, r => r.Kind == AzureKind.Gateway);
    }

    [Fact]
    public void Translate_Internal_UsesAPrivateFrontendAndNoPublicIp()
    {
        var plan = Plan(Models.Ingress("in", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/scheme: internal"));

        Assert.DoesNotContain(plan.Resources, r => r.Kind == AzureKind.PublicIp);
        var frontend = Items(Gateway(plan), "frontendIPConfigurations").Single()["properties"]!;
        Assert.Equal("Dynamic", frontend["privateIPAllocationMethod"]!.GetValue<string>());
        Assert.Equal(Options.GatewaySubnet, frontend["subnet"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_PastTheListenerLimit_LeavesHostsOutWithADiagnostic()
    {
        var rules = string.Join(", ", Enumerable.Range(1, 4).Select(i => Models.Rule($"h{i}.example.com", ("/", "Prefix", "web"))));
        var plan = Plan(Models.Ingress("many", $"[{rules}]"), Options with { Limits = AzureLimits.Default with { Listeners = 3 } });

        Assert.Equal(3, Items(Gateway(plan), "httpListeners").Count());
        Assert.Contains(plan.Diagnostics, d => d.Code == DiagnosticCodes.ProviderQuotaExceeded && d.Message.Contains("h4.example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Translate_EveryBody_MatchesTheRestSpecification()
    {
        var yaml = Models.Ingress("app", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"), ("/api", "Prefix", "api"))}]",
                "cloudingress.io/ssl-redirect: \"true\", cloudingress.io/healthcheck-path: /healthz, cloudingress.io/success-codes: \"200,204\"", AppTls)
            + Models.Ingress("secure", $"[{Models.Rule("secure.example.com", ("/", "Prefix", "web"))}]", "cloudingress.io/tls-mode: passthrough");
        var plan = Plan(yaml, Options with { GatewaySku = "WAF_v2" });

        Assert.All(plan.Resources, r => Assert.Empty(SpecFacts.Violations(r.Body, r.Kind switch
        {
            AzureKind.Gateway => "ApplicationGateway",
            AzureKind.LoadBalancer => "LoadBalancer",
            _ => "PublicIPAddress",
        })));
        Assert.Equal("WAF_v2", Gateway(plan)["sku"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public void Translate_SameModel_SameBodies()
    {
        var yaml = Models.Ingress("app", $"[{Models.Rule("app.example.com", ("/", "Prefix", "web"))}]", tls: AppTls);
        Assert.Equal(AzurePlanText.Json(Plan(yaml)).ToJsonString(), AzurePlanText.Json(Plan(yaml)).ToJsonString());
    }
}
