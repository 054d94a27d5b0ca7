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
/// </summary>
public static class ProxyExposure
{
    public const string SharedName = "cloudingress-proxy";
    public const string GroupsAnnotation = "cloudingress.io/ingress-groups";

    public static IReadOnlyList<ExposedService> Desired(GatewayModel model, ExposureOptions options, DiagnosticBag diagnostics)
    {
        var byName = new SortedDictionary<string, (AddressRequest? Request, List<Frontend> Frontends)>(StringComparer.Ordinal);
        foreach (var frontend in model.Frontends.Where(f => f.Kind == FrontendKind.Http && f.Listeners.Count > 0).OrderBy(f => f.Id, StringComparer.Ordinal))
        {
            var name = frontend.Address is null ? SharedName : GroupName(frontend.Name, byName.Keys);
            if (!byName.TryGetValue(name, out var entry))
            {
                byName[name] = entry = (frontend.Address ?? options.Shared, []);
            }

            entry.Frontends.Add(frontend);
        }

        return [.. byName.Select(e => new ExposedService(Build(e.Key, e.Value.Request, e.Value.Frontends, options, diagnostics), e.Value.Frontends))];
    }

    public static bool IsOwned(IKubernetesObject obj) =>
        obj.Metadata.Labels?.GetValueOrDefault(ExposureOptions.ManagedByLabel) == ExposureOptions.ManagedByValue;

    public static IReadOnlyDictionary<string, string> OwnerLabels(IReadOnlyDictionary<string, string>? labels) =>
        new SortedDictionary<string, string>((labels ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal)
        {
            [ExposureOptions.ManagedByLabel] = ExposureOptions.ManagedByValue,
        };

    private static Service Build(string name, AddressRequest? request, List<Frontend> frontends, ExposureOptions options, DiagnosticBag diagnostics)
    {
        var owner = new ObjectRef(Service.KindValue, options.Namespace, name);
        // The proxy always listens for both, so TLS added to an Ingress later needs no change here.
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

        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [GroupsAnnotation] = string.Join(",", frontends.Select(f => f.Name)),
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
                Ports = [.. ports.Select(p => new ServicePort { Name = $"{p.Value.Target}-{p.Key}", Protocol = "TCP", Port = p.Key, TargetPort = IntOrString.FromText(p.Value.Target) })],
            },
        };
    }

    /// <summary>A DNS label: dots become dashes, too long or taken gets a hash suffix.</summary>
    private static string GroupName(string group, IEnumerable<string> taken)
    {
        var name = $"{SharedName}-{group.Replace('.', '-')}";
        if (name.Length <= 63 && !taken.Contains(name))
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(group)))[..8];
        return $"{name[..Math.Min(name.Length, 54)].TrimEnd('-')}-{hash}";
    }
}
