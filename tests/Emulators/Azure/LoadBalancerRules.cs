using System.Net;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>What the Network provider enforces on Standard load balancers and public IPs beyond the specification's shapes.</summary>
internal static class LoadBalancerRules
{
    public static void ValidateLoadBalancer(JsonObject body, string id, ArmState state)
    {
        var p = body["properties"] as JsonObject ?? throw new ArmError(400, "InvalidRequestFormat", "properties is required");
        if (body["sku"]?["name"]?.GetValue<string>() is not "Standard")
        {
            throw new ArmError(400, "LoadBalancerSkuNotSupported", "Only the Standard SKU takes IP-addressed backends and Standard public IPs.");
        }

        ArmRules.UniqueChildren(p, "frontendIPConfigurations", "backendAddressPools", "probes", "loadBalancingRules");
        ArmRules.References(p, id);
        foreach (var frontend in ArmRules.Children(p, "frontendIPConfigurations"))
        {
            if (ArmRules.Ref(frontend, "publicIPAddress") is { } pip)
            {
                var address = state.Find(pip) ?? throw new ArmError(400, "InvalidResourceReference", $"Public IP {pip} was not found.");
                if (address.Body["sku"]?["name"]?.GetValue<string>() != "Standard")
                {
                    throw new ArmError(400, "LoadBalancerAndPublicIpSkuMismatch", $"{pip}: a Standard load balancer needs a Standard public IP.");
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

        foreach (var address in ArmRules.Children(p, "backendAddressPools").SelectMany(pool => ArmRules.Children((JsonObject?)pool["properties"] ?? [], "loadBalancerBackendAddresses")))
        {
            if (!IPAddress.TryParse(address["properties"]?["ipAddress"]?.GetValue<string>(), out _) || !state.VirtualNetworkExists(ArmRules.Ref(address, "virtualNetwork")))
            {
                throw new ArmError(400, "InvalidLoadBalancerBackendAddress", $"Backend address {address["name"]} needs an IP address and an existing virtual network.");
            }
        }

        foreach (var probe in ArmRules.Children(p, "probes"))
        {
            var pp = probe["properties"] as JsonObject ?? [];
            var http = pp["protocol"]?.GetValue<string>() is "Http" or "Https";
            if (pp["port"]?.GetValue<int>() is not (>= 1 and <= 65535))
            {
                throw new ArmError(400, "LoadBalancerProbePortInvalid", $"Probe {probe["name"]} needs a port from 1 to 65535.");
            }

            if (http != (pp["requestPath"] is not null))
            {
                throw new ArmError(400, "LoadBalancerProbeRequestPathInvalid", $"Probe {probe["name"]}: requestPath is required for Http(s) probes and not allowed for Tcp.");
            }
        }

        var bindings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in ArmRules.Children(p, "loadBalancingRules"))
        {
            var rp = rule["properties"] as JsonObject ?? [];
            if (rp["backendAddressPool"] is null || rp["frontendIPConfiguration"] is null)
            {
                throw new ArmError(400, "InvalidRequestFormat", $"Rule {rule["name"]} needs frontendIPConfiguration and backendAddressPool.");
            }

            if (!bindings.Add($"{ArmRules.Ref(rule, "frontendIPConfiguration")}|{rp["protocol"]}|{rp["frontendPort"]}"))
            {
                throw new ArmError(400, "LoadBalancingRulesWithSameFrontendPort", $"Rule {rule["name"]}: another rule has its frontend, protocol and port.");
            }
        }
    }

    public static void ValidatePublicIp(JsonObject body)
    {
        var sku = body["sku"]?["name"]?.GetValue<string>() ?? "Basic";
        if (sku == "Standard" && body["properties"]?["publicIPAllocationMethod"]?.GetValue<string>() != "Static")
        {
            throw new ArmError(400, "StandardSkuPublicIPAddressesMustBeStatic", "Standard sku publicIp addresses must be static.");
        }
    }
}
