using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Providers.MetalLb.Allocation;
using CloudIngress.Providers.MetalLb.Cluster;
using CloudIngress.Providers.MetalLb.Config;
using CloudIngress.Providers.MetalLb.Exposure;
using CloudIngress.Providers.MetalLb.Planning;
using k8s;

namespace CloudIngress.Providers.MetalLb;

/// <summary><c>--provider metallb</c>: bare metal, the Kestrel proxy behind LoadBalancer Services that MetalLB addresses.</summary>
public sealed class MetalLbProviderDefinition : IProviderDefinition
{
    public static readonly ProviderOption ConfigFile = new("--metallb-config",
        "YAML of IPAddressPool, L2Advertisement and BGPAdvertisement objects the controller owns (pools as code); checked before anything runs");

    public static readonly ProviderOption PoolNamespace = new("--metallb-namespace", "MetalLB's namespace: --metallb-config objects without one go there", Default: "metallb-system");

    public static readonly ProviderOption ProxyNamespace = new("--metallb-proxy-namespace", "Namespace of the proxy pods and of the LoadBalancer Services the controller owns in front of them", Default: "cloudingress");

    public static readonly ProviderOption ProxySelector = new("--metallb-proxy-selector", "Labels of the proxy pods, k=v[,k=v]", Default: "app.kubernetes.io/name=cloudingress");

    public static readonly ProviderOption TrafficPolicy = new("--metallb-external-traffic-policy",
        "externalTrafficPolicy of the owned Services: Local keeps client addresses, Cluster shares an address more easily", Default: "Local");

    public static readonly ProviderOption AddressPool = new("--metallb-address-pool", "Pool of the Service every ingress group shares (default: any pool MetalLB picks)");

    public static readonly ProviderOption LoadBalancerIps = new("--metallb-load-balancer-ips", "Address(es) of the shared Service: one IPv4 and/or one IPv6, comma-separated");

    public static readonly ProviderOption AllowSharedIp = new("--metallb-allow-shared-ip", "Sharing key of the shared Service, so other Services can use its address on other ports");

    public string Name => MetalLbProvider.ProviderName;

    public string Summary => "bare metal: the Kestrel proxy behind LoadBalancer Services that MetalLB addresses; plan predicts every address";

    public IReadOnlyList<ProviderOption> Options => [ConfigFile, PoolNamespace, ProxyNamespace, ProxySelector, TrafficPolicy, AddressPool, LoadBalancerIps, AllowSharedIp];

    public ProviderConfiguration Configure(ProviderSettings settings)
    {
        var values = settings.Values;
        var policy = values.String(TrafficPolicy)!;
        if (policy is not ("Local" or "Cluster"))
        {
            return ProviderConfiguration.Fail($"--metallb-external-traffic-policy: \"{policy}\" is not Local or Cluster");
        }

        var selector = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in values.List(ProxySelector))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                return ProviderConfiguration.Fail($"--metallb-proxy-selector: \"{pair}\" is not key=value");
            }

            selector[parts[0]] = parts[1];
        }

        var ips = values.List(LoadBalancerIps);
        if (ips.FirstOrDefault(ip => IpAddresses.Parse(ip) is null) is { } bad)
        {
            return ProviderConfiguration.Fail($"--metallb-load-balancer-ips: \"{bad}\" is not an IP address");
        }

        MetalLbConfig? config = null;
        if (values.String(ConfigFile) is { } path)
        {
            // Read now, not when first planned: a broken pools file is unusable input, refused before anything runs.
            (config, var error) = MetalLbConfig.Load(path, values.String(PoolNamespace)!);
            if (config is null)
            {
                return ProviderConfiguration.Fail(error!);
            }
        }

        var shared = values.String(AddressPool) is null && ips.Count == 0 && values.String(AllowSharedIp) is null
            ? null
            : new AddressRequest { Pool = values.String(AddressPool), Addresses = ips, SharingKey = values.String(AllowSharedIp) };
        var options = new MetalLbOptions
        {
            Config = config,
            PoolNamespace = values.String(PoolNamespace)!,
            Exposure = new ExposureOptions
            {
                Namespace = values.String(ProxyNamespace)!,
                Selector = selector,
                ExternalTrafficPolicy = policy,
                Shared = shared,
            },
        };
        // Only the controller writes to the cluster: one-shot verbs plan and predict.
        var writer = settings.Verb == ProviderVerb.Run && settings.Services?.GetService(typeof(IKubernetes)) is IKubernetes client ? new ClusterWriter(client) : null;
        return ProviderConfiguration.Ok(new MetalLbProvider(options, settings.Snapshot, writer));
    }
}
