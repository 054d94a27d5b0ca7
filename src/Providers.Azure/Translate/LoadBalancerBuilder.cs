using CloudIngress.Core.Annotations;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Resources;
using System.Globalization;
using System.Text.Json;

namespace CloudIngress.Providers.Azure.Translate;

/// <summary>
/// A Standard Load Balancer for a LoadBalancer Service, or for a group's passthrough hosts: a TCP
/// or UDP rule per port, a probe per rule, and a backend pool of pod IPs in the cluster's virtual
/// network.
/// </summary>
internal sealed class LoadBalancerBuilder(TranslateContext context, Frontend frontend, string key)
{
    private const string FrontendName = "fe";

    public string Key => key;

    public string Name { get; } = AzureNames.LoadBalancer(context.Options.ClusterName, key);

    public string Id => context.Options.ResourceId("loadBalancers", Name);

    /// <summary>One entry point per (port, protocol), forwarding to <c>Pool</c>; null when nothing can be served.</summary>
    public DesiredResource? Build(IReadOnlyList<(int Port, string Protocol, string Pool, ObjectRef Source)> entries, IReadOnlyList<ObjectRef> members, string publicIpId)
    {
        var options = context.Options;
        var internalScheme = frontend.Scheme == LoadBalancerScheme.Internal;
        if (internalScheme && options.LoadBalancerSubnet is null)
        {
            foreach (var member in members)
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, member,
                    "an internal load balancer needs a subnet for its frontend: set --azure-lb-subnet; nothing is created");
            }

            return null;
        }

        var pools = new List<Child<LoadBalancerBackendAddressPoolProperties>>();
        var probes = new List<Child<LoadBalancerProbeProperties>>();
        var rules = new List<Child<LoadBalancingRuleProperties>>();
        foreach (var (port, protocol, poolId, source) in entries.DistinctBy(e => (e.Port, e.Protocol)))
        {
            if (context.Pool(poolId) is not { } pool || pool.ExternalName)
            {
                context.Report(DiagnosticSeverity.Error, DiagnosticCodes.ProviderUnsupported, source,
                    $"port {port}: a load balancer forwards to pod addresses only, and {poolId} has none to give; no rule is created");
                continue;
            }

            if (pool.ProxyProtocol != ProxyProtocolVersion.None)
            {
                context.Report(DiagnosticSeverity.Warning, DiagnosticCodes.ProviderUnsupported, source, "Azure Load Balancer does not send the PROXY protocol; pods see the client address directly");
            }

            var suffix = $"{protocol.ToLowerInvariant()}-{port.ToString(CultureInfo.InvariantCulture)}";
            var backendPort = pool.Endpoints.Select(e => e.Port).DefaultIfEmpty(int.TryParse(pool.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : port).Min();
            pools.Add(new("pool-" + suffix, new LoadBalancerBackendAddressPoolProperties(
                [.. pool.Endpoints.Select(e => e.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                    .Select(a => new Child<LoadBalancerBackendAddressProperties>(AzureNames.Child("ip", a, a), new LoadBalancerBackendAddressProperties(a, new SubResource(options.VirtualNetwork))))])));
            probes.Add(new("probe-" + suffix, Probe(pool.HealthCheck, backendPort)));
            rules.Add(new("rule-" + suffix, new LoadBalancingRuleProperties
            {
                FrontendIPConfiguration = Ref("frontendIPConfigurations", FrontendName),
                BackendAddressPool = Ref("backendAddressPools", "pool-" + suffix),
                Probe = Ref("probes", "probe-" + suffix),
                Protocol = protocol,
                FrontendPort = port,
                BackendPort = backendPort,
                EnableTcpReset = protocol == "Tcp" ? true : null,
            }));
        }

        var balancer = new LoadBalancer
        {
            Location = options.Location,
            Tags = AzureTags.For(options.ClusterName, frontend.Id, key),
            Sku = new LoadBalancerSku("Standard", "Regional"),
            Properties = new LoadBalancerProperties
            {
                FrontendIPConfigurations =
                [
                    new(FrontendName, internalScheme
                        ? new LoadBalancerFrontendIPConfigurationProperties { PrivateIPAllocationMethod = "Dynamic", Subnet = new SubResource(options.LoadBalancerSubnet!) }
                        : new LoadBalancerFrontendIPConfigurationProperties { PublicIPAddress = new SubResource(publicIpId) }),
                ],
                BackendAddressPools = pools,
                Probes = probes,
                LoadBalancingRules = rules,
            },
        };
        return new DesiredResource
        {
            Kind = AzureKind.LoadBalancer,
            Name = Name,
            Id = Id,
            Key = key,
            FrontendId = frontend.Id,
            Members = members,
            PublicIpId = internalScheme ? null : publicIpId,
            Body = JsonSerializer.SerializeToNode(balancer, ArmJsonContext.Default.LoadBalancer)!.AsObject(),
        };
    }

    private SubResource Ref(string collection, string name) => new($"{Id}/{collection}/{name}");

    /// <summary>Azure probes TCP, HTTP or HTTPS (never UDP): a UDP rule is probed over TCP on the same port unless told otherwise.</summary>
    private static LoadBalancerProbeProperties Probe(HealthCheckSettings? check, int backendPort)
    {
        var protocol = check?.Protocol?.ToUpperInvariant() switch
        {
            "HTTP" => "Http",
            "HTTPS" => "Https",
            _ => "Tcp",
        };
        return new LoadBalancerProbeProperties
        {
            Protocol = protocol,
            Port = check?.Port ?? backendPort,
            IntervalInSeconds = Math.Max(check?.IntervalSeconds ?? 15, 5),
            ProbeThreshold = check?.UnhealthyThreshold ?? 2,
            RequestPath = protocol == "Tcp" ? null : check!.Path,
        };
    }
}
