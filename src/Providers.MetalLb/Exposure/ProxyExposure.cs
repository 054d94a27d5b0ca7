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
/// An L4 frontend (a Service of class <c>cloudingress.io/lb</c>) adds its TCP ports to the shared
/// Service, or, when it asks for a pool, an address or a sharing key, gets a Service of its own.
/// </summary>
public static class ProxyExposure
{
    public const string SharedName = "cloudingress-proxy";
    public const string GroupsAnnotation = "cloudingress.io/ingress-groups";

    /// <summary>The <c>namespace/name</c> of each L4 Service whose ports an owned Service carries.</summary>
    public const string L4ServicesAnnotation = "cloudingress.io/l4-services";

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

        var result = byName.ToDictionary(e => e.Key, e => (e.Value.Request, e.Value.Frontends, Ports: HttpPorts(e.Key, e.Value.Frontends, options, diagnostics)), StringComparer.Ordinal);
        foreach (var frontend in model.Frontends.Where(f => f.Kind == FrontendKind.L4 && f.Listeners.Any(l => l.Protocol == ListenerProtocol.Tcp)).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var ports = frontend.Listeners.Where(l => l.Protocol == ListenerProtocol.Tcp)
                .Select(l => new ServicePort { Name = $"tcp-{l.Port}", Protocol = "TCP", Port = l.Port, TargetPort = IntOrString.FromNumber(l.Port) }).ToList();
            if (frontend.Address is not null)
            {
                // It asks for a pool, an address or a sharing key of its own: a Service of its own carries that request.
                var name = GroupName($"{L4Prefix}{frontend.Name.Replace('/', '-')}", result.Keys);
                result[name] = (frontend.Address, [frontend], ports);
            }
            else if (result.TryGetValue(SharedName, out var shared))
            {
                // One address for many services: its TCP ports join the shared Service, to the same ports of the proxy.
                shared.Frontends.Add(frontend);
                foreach (var port in ports)
                {
                    if (shared.Ports.Any(p => p.Port == port.Port))
                    {
                        diagnostics.Warning(DiagnosticCodes.ListenerConflict, frontend.Members[0], "spec.ports",
                            $"port {port.Port} is already a port of the shared Service {options.Namespace}/{SharedName}; this port is not reachable on the shared address");
                        continue;
                    }

                    shared.Ports.Add(port);
                }
            }
            else
            {
                diagnostics.Warning(DiagnosticCodes.ProviderUnsupported, frontend.Members[0], null,
                    $"no Ingress is served, so there is no shared Service {options.Namespace}/{SharedName} to carry this Service's ports; " +
                    $"it gets an address once an Ingress is served, or at once when it asks for one ({MetalLbAnnotations.LoadBalancerIps}, {MetalLbAnnotations.AddressPool} or {MetalLbAnnotations.AllowSharedIp})");
            }
        }

        return [.. result.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new ExposedService(Build(e.Key, e.Value.Request, e.Value.Ports, e.Value.Frontends, options), e.Value.Frontends))];
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
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (kind, annotation) in new[] { (FrontendKind.Http, GroupsAnnotation), (FrontendKind.L4, L4ServicesAnnotation) })
        {
            if (frontends.Where(f => f.Kind == kind).Select(f => f.Name).ToList() is { Count: > 0 } names)
            {
                annotations[annotation] = string.Join(",", names);
            }
        }

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
