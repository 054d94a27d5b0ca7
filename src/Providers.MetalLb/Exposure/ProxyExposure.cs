using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Providers.MetalLb.Planning;
using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Providers.MetalLb.Exposure;

/// <summary>An owned LoadBalancer Service in front of the proxy, and the ingress groups it carries.</summary>
public sealed record ExposedService(Service Service, IReadOnlyList<Frontend> Frontends)
{
    public ObjectRef Ref => ObjectRefs.For(Service);
}

/// <summary>
/// The desired Services in front of the proxy: one shared by every ingress group, plus one per
/// group that asks for its own pool, addresses or sharing key. Ports: 80 and 443, and the groups'
/// other listener ports, each to the proxy's HTTP or HTTPS port. With no Ingress there is none.
/// Every L4 frontend (a Service of class <c>cloudingress.io/lb</c>) gets one of its own, with its TCP ports.
/// </summary>
public static class ProxyExposure
{
    public const string SharedName = "cloudingress-proxy";
    public const string GroupsAnnotation = "cloudingress.io/ingress-groups";

    /// <summary>On the Service in front of an L4 frontend: the <c>namespace/name</c> of the Service it carries.</summary>
    public const string L4ServiceAnnotation = "cloudingress.io/l4-service";

    public static IReadOnlyList<ExposedService> Desired(GatewayModel model, ExposureOptions options, DiagnosticBag diagnostics)
    {
        var byName = new SortedDictionary<string, (AddressRequest? Request, List<Frontend> Frontends)>(StringComparer.Ordinal);
        foreach (var frontend in model.Frontends.Where(f => f.Kind == FrontendKind.Http && f.Listeners.Count > 0).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var name = frontend.Address is null ? SharedName : GroupName($"{SharedName}-{frontend.Name}", byName.Keys);
            if (!byName.TryGetValue(name, out var entry))
            {
                byName[name] = entry = (frontend.Address ?? options.Shared, []);
            }

            entry.Frontends.Add(frontend);
        }

        var result = byName.Select(e => new ExposedService(Build(e.Key, e.Value.Request, HttpPorts(e.Key, e.Value.Frontends, options, diagnostics), e.Value.Frontends, options), e.Value.Frontends)).ToList();
        // An L4 frontend gets a Service of its own: its TCP ports on its own address (or one it shares by key), to the same ports of the proxy.
        foreach (var frontend in model.Frontends.Where(f => f.Kind == FrontendKind.L4 && f.Listeners.Any(l => l.Protocol == ListenerProtocol.Tcp)).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var name = GroupName($"{L4Prefix}{frontend.Name.Replace('/', '-')}", result.Select(r => r.Service.Metadata.Name!));
            var ports = frontend.Listeners.Where(l => l.Protocol == ListenerProtocol.Tcp)
                .Select(l => new ServicePort { Name = $"tcp-{l.Port}", Protocol = "TCP", Port = l.Port, TargetPort = IntOrString.FromNumber(l.Port) });
            result.Add(new ExposedService(Build(name, frontend.Address, [.. ports], [frontend], options), [frontend]));
        }

        return result;
    }

    public const string L4Prefix = "cloudingress-l4-";

    public static bool IsOwned(IKubernetesObject obj) =>
        obj.Metadata.Labels?.GetValueOrDefault(ExposureOptions.ManagedByLabel) == ExposureOptions.ManagedByValue;

    public static IReadOnlyDictionary<string, string> OwnerLabels(IReadOnlyDictionary<string, string>? labels) =>
        new SortedDictionary<string, string>((labels ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal)
        {
            [ExposureOptions.ManagedByLabel] = ExposureOptions.ManagedByValue,
        };

    /// <summary>80 and 443 always (TLS added to an Ingress later needs no change here), and every other listener port of the groups.</summary>
    private static List<ServicePort> HttpPorts(string name, List<Frontend> frontends, ExposureOptions options, DiagnosticBag diagnostics)
    {
        var owner = new ObjectRef(Service.KindValue, options.Namespace, name);
        var ports = new SortedDictionary<int, (string Target, Frontend Frontend)> { [80] = ("http", frontends[0]), [443] = ("https", frontends[0]) };
        foreach (var frontend in frontends)
        {
            foreach (var listener in frontend.Listeners)
            {
                var target = listener.Protocol == ListenerProtocol.Https ? "https" : "http";
                if (!ports.TryAdd(listener.Port, (target, frontend)) && ports[listener.Port] is var (first, by) && first != target)
                {
                    diagnostics.Warning(DiagnosticCodes.ListenerConflict, owner, "spec.ports",
                        $"port {listener.Port} is {target.ToUpperInvariant()} for ingress group {frontend.Name} but {first.ToUpperInvariant()} for {by.Name}, which it stays");
                }
            }
        }

        return [.. ports.Select(p => new ServicePort { Name = $"{p.Value.Target}-{p.Key}", Protocol = "TCP", Port = p.Key, TargetPort = IntOrString.FromText(p.Value.Target) })];
    }

    private static Service Build(string name, AddressRequest? request, List<ServicePort> ports, List<Frontend> frontends, ExposureOptions options)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [frontends[0].Kind == FrontendKind.Http ? GroupsAnnotation : L4ServiceAnnotation] = string.Join(",", frontends.Select(f => f.Name)),
        };

        if (request?.Pool is { } pool)
        {
            annotations[MetalLbAnnotations.AddressPool] = pool;
        }

        if (request is { Addresses.Count: > 0 })
        {
            annotations[MetalLbAnnotations.LoadBalancerIps] = string.Join(",", request.Addresses);
        }

        if (request?.SharingKey is { } key)
        {
            annotations[MetalLbAnnotations.AllowSharedIp] = key;
        }

        return new Service
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = options.Namespace,
                Labels = OwnerLabels(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "cloudingress" }),
                Annotations = annotations,
            },
            Spec = new ServiceSpec
            {
                Type = "LoadBalancer",
                Selector = options.Selector,
                ExternalTrafficPolicy = options.ExternalTrafficPolicy,
                Ports = ports,
            },
        };
    }

    /// <summary>A DNS label: dots become dashes, too long or taken gets a hash suffix.</summary>
    private static string GroupName(string wanted, IEnumerable<string> taken)
    {
        var name = wanted.Replace('.', '-');
        if (name.Length <= 63 && !taken.Contains(name))
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(wanted)))[..8];
        return $"{name[..Math.Min(name.Length, 54)].TrimEnd('-')}-{hash}";
    }
}
