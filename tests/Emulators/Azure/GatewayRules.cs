using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>
/// What the Network provider enforces on an Application Gateway v2 beyond the specification's
/// shapes: SKU rules, one gateway subnet, a Standard static public IP, certificates on HTTPS
/// listeners, unique rule priorities, references that resolve, and the per-gateway limits.
/// </summary>
internal static class GatewayRules
{
    private static readonly string[] Collections =
    [
        "gatewayIPConfigurations", "sslCertificates", "trustedRootCertificates", "frontendIPConfigurations", "frontendPorts", "probes", "backendAddressPools",
        "backendHttpSettingsCollection", "httpListeners", "urlPathMaps", "requestRoutingRules", "redirectConfigurations",
    ];

    private static readonly Dictionary<string, int> Limits = new(StringComparer.Ordinal)
    {
        ["httpListeners"] = 200, ["requestRoutingRules"] = 400, ["sslCertificates"] = 100, ["backendAddressPools"] = 100,
        ["backendHttpSettingsCollection"] = 100, ["frontendPorts"] = 100, ["trustedRootCertificates"] = 100, ["redirectConfigurations"] = 100,
    };

    public static void Validate(JsonObject body, string id, StoredResource? existing, ArmState state)
    {
        var p = body["properties"] as JsonObject ?? throw new ArmError(400, "InvalidRequestFormat", "properties is required");
        var sku = p["sku"] ?? throw new ArmError(400, "ApplicationGatewaySkuMissing", "properties.sku is required");
        var (name, tier) = (sku["name"]?.GetValue<string>(), sku["tier"]?.GetValue<string>());
        if (name is not ("Standard_v2" or "WAF_v2") || name != tier)
        {
            throw new ArmError(400, "ApplicationGatewaySkuTierMismatch", $"SKU name {name} and tier {tier}: a v2 gateway's name equals its tier, Standard_v2 or WAF_v2.");
        }

        if (sku["capacity"] is null && p["autoscaleConfiguration"] is null)
        {
            throw new ArmError(400, "ApplicationGatewayCapacityOrAutoscaleRequired", "A v2 gateway needs sku.capacity or autoscaleConfiguration.");
        }

        if (name == "WAF_v2" && p["webApplicationFirewallConfiguration"] is null && p["firewallPolicy"] is null)
        {
            throw new ArmError(400, "ApplicationGatewayWafConfigurationOrPolicyRequired", "WAF_v2 needs webApplicationFirewallConfiguration or firewallPolicy.");
        }

        ArmRules.UniqueChildren(p, Collections);
        ArmRules.References(p, id);
        foreach (var (collection, limit) in Limits)
        {
            if (ArmRules.Children(p, collection).Count() > limit)
            {
                throw new ArmError(400, "ApplicationGatewayLimitExceeded", $"properties.{collection}: at most {limit} per gateway.");
            }
        }

        var gatewayIps = ArmRules.Children(p, "gatewayIPConfigurations").ToList();
        if (gatewayIps.Count != 1 || !state.SubnetExists(ArmRules.Ref(gatewayIps[0], "subnet")))
        {
            throw new ArmError(400, "ApplicationGatewaySubnetInvalid", "A gateway needs exactly one gatewayIPConfiguration on an existing subnet.");
        }

        Frontends(p, id, state);
        Certificates(p, existing);
        Listeners(p);
        Rules(p);
        foreach (var probe in ArmRules.Children(p, "probes"))
        {
            var pick = probe["properties"]?["pickHostNameFromBackendHttpSettings"]?.GetValue<bool>() == true;
            if (pick == (probe["properties"]?["host"] is not null))
            {
                throw new ArmError(400, "ApplicationGatewayProbeHostOrPickHostName", $"Probe {probe["name"]}: set host, or pickHostNameFromBackendHttpSettings, not both and not neither.");
            }
        }
    }

    private static void Frontends(JsonObject p, string id, ArmState state)
    {
        var frontends = ArmRules.Children(p, "frontendIPConfigurations").ToList();
        if (frontends.Count is 0 or > 2)
        {
            throw new ArmError(400, "ApplicationGatewayFrontendIpConfigurationInvalid", "One public and/or one private frontend IP configuration.");
        }

        foreach (var frontend in frontends)
        {
            if (ArmRules.Ref(frontend, "publicIPAddress") is { } pip)
            {
                var address = state.Find(pip) ?? throw new ArmError(400, "InvalidResourceReference", $"Public IP {pip} was not found.");
                if (address.Body["sku"]?["name"]?.GetValue<string>() != "Standard" || address.Body["properties"]?["publicIPAllocationMethod"]?.GetValue<string>() != "Static")
                {
                    throw new ArmError(400, "ApplicationGatewayV2RequiresStandardStaticPublicIp", $"{pip}: a v2 gateway needs a Standard SKU public IP with static allocation.");
                }

                if (state.UserOf(pip, except: id) is { } user)
                {
                    throw new ArmError(400, "PublicIPAddressInUse", $"{pip} is already used by {user.Id}.");
                }
            }
            else if (!state.SubnetExists(ArmRules.Ref(frontend, "subnet")))
            {
                throw new ArmError(400, "InvalidResourceReference", $"Frontend {frontend["name"]} needs a public IP or an existing subnet.");
            }
        }
    }

    /// <summary>A certificate the gateway has not seen needs its PFX and the password that opens it.</summary>
    private static void Certificates(JsonObject p, StoredResource? existing)
    {
        var known = existing is null ? [] : ArmRules.Children((JsonObject)existing.Body["properties"]!, "sslCertificates").Select(c => c["name"]!.GetValue<string>()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var certificate in ArmRules.Children(p, "sslCertificates"))
        {
            var properties = certificate["properties"] as JsonObject;
            var (data, password) = (properties?["data"]?.GetValue<string>(), properties?["password"]?.GetValue<string>());
            if (data is null)
            {
                if (!known.Contains(certificate["name"]!.GetValue<string>()))
                {
                    throw new ArmError(400, "ApplicationGatewaySslCertificateDataMustBeSpecified", $"SSL certificate {certificate["name"]}: data must be specified.");
                }

                continue;
            }

            try
            {
                using var pfx = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(data), password);
                if (!pfx.HasPrivateKey)
                {
                    throw new CryptographicException("no private key");
                }
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                throw new ArmError(400, "ApplicationGatewaySslCertificateInvalidData", $"SSL certificate {certificate["name"]}: the data is not a PFX that the password opens.");
            }
        }
    }

    private static void Listeners(JsonObject p)
    {
        var bindings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var listener in ArmRules.Children(p, "httpListeners"))
        {
            var lp = listener["properties"] as JsonObject ?? [];
            if (lp["protocol"]?.GetValue<string>() == "Https" && lp["sslCertificate"] is null)
            {
                throw new ArmError(400, "ApplicationGatewayHttpsListenerMustReferenceSslCert", $"HTTPS listener {listener["name"]} must reference an SSL certificate.");
            }

            var hosts = lp["hostName"]?.GetValue<string>() ?? string.Join(",", (lp["hostNames"] as JsonArray ?? []).Select(h => h!.GetValue<string>()));
            if (!bindings.Add($"{ArmRules.Ref(listener, "frontendIPConfiguration")}|{ArmRules.Ref(listener, "frontendPort")}|{hosts}"))
            {
                throw new ArmError(400, "ApplicationGatewayHttpListenersUsingSameFrontendPortAndFrontendIpconfig", $"Listener {listener["name"]} uses the frontend, port and host names of another listener.");
            }
        }
    }

    private static void Rules(JsonObject p)
    {
        var priorities = new HashSet<int>();
        var listeners = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in ArmRules.Children(p, "requestRoutingRules"))
        {
            var rp = rule["properties"] as JsonObject ?? [];
            var priority = rp["priority"]?.GetValue<int>() ?? throw new ArmError(400, "ApplicationGatewayRequestRoutingRulePriorityCannotBeEmpty", $"Rule {rule["name"]} needs a priority (api-version 2021-08-01 and later).");
            if (priority is < 1 or > 20000 || !priorities.Add(priority))
            {
                throw new ArmError(400, "ApplicationGatewayRequestRoutingRulePriorityInvalid", $"Rule {rule["name"]}: priority {priority} is outside 1–20000 or taken by another rule.");
            }

            if (!listeners.Add(ArmRules.Ref(rule, "httpListener") ?? throw new ArmError(400, "InvalidRequestFormat", $"Rule {rule["name"]} needs httpListener")))
            {
                throw new ArmError(400, "ApplicationGatewayListenerUsedByMultipleRules", $"Rule {rule["name"]}: its listener already has a rule.");
            }

            var pathBased = rp["ruleType"]?.GetValue<string>() == "PathBasedRouting";
            var complete = pathBased ? rp["urlPathMap"] is not null : rp["redirectConfiguration"] is not null || (rp["backendAddressPool"] is not null && rp["backendHttpSettings"] is not null);
            if (!complete)
            {
                throw new ArmError(400, "ApplicationGatewayRequestRoutingRuleIncomplete", $"Rule {rule["name"]} ({rp["ruleType"]}) lacks its target.");
            }
        }

        foreach (var map in ArmRules.Children(p, "urlPathMaps"))
        {
            var rules = ArmRules.Children((JsonObject)map["properties"]!, "pathRules").ToList();
            if (rules.Count == 0 || rules.Count > 100)
            {
                throw new ArmError(400, "ApplicationGatewayUrlPathMapPathRulesInvalid", $"URL path map {map["name"]} needs 1 to 100 path rules.");
            }

            foreach (var path in rules.SelectMany(r => r["properties"]?["paths"] as JsonArray ?? []).Select(x => x!.GetValue<string>()))
            {
                if (!path.StartsWith('/') || path.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star != path.Length - 1)
                {
                    throw new ArmError(400, "ApplicationGatewayPathRuleInvalidPath", $"Path {path} of {map["name"]}: it starts with / and has * only at its end.");
                }
            }
        }
    }
}
