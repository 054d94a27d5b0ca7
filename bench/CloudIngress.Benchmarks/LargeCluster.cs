using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using System.Globalization;

namespace CloudIngress.Benchmarks;

/// <summary>
/// A synthetic cluster of the size the foundation issue sets: 5,000 Ingresses with 50,000 paths
/// over 2,000 Services with 20,000 endpoints, in 50 namespaces and 10 groups.
/// </summary>
public static class LargeCluster
{
    public static ClusterSnapshot Create(int ingresses = 5_000, int pathsPerIngress = 10, int services = 2_000, int endpointsPerService = 10)
    {
        const int namespaces = 50;
        var servicesPerNamespace = services / namespaces;
        var serviceList = new List<Service>();
        var slices = new List<EndpointSlice>();
        for (var s = 0; s < services; s++)
        {
            var ns = $"ns{s % namespaces}";
            var name = $"svc{s / namespaces}";
            serviceList.Add(new Service
            {
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
                Spec = new ServiceSpec { Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = IntOrString.FromNumber(8080) }] },
            });
            slices.Add(new EndpointSlice
            {
                Metadata = new ObjectMeta
                {
                    Name = name + "-1",
                    Namespace = ns,
                    Labels = new Dictionary<string, string> { [EndpointSlice.ServiceNameLabel] = name },
                },
                Ports = [new EndpointPort { Name = "http", Port = 8080 }],
                Endpoints = Enumerable.Range(0, endpointsPerService)
                    .Select(e => new Endpoint { Addresses = [$"10.{s / 250}.{s % 250}.{e + 1}"], Conditions = new EndpointConditions { Ready = true } })
                    .ToList(),
            });
        }

        var list = new List<Ingress>();
        for (var i = 0; i < ingresses; i++)
        {
            var ns = $"ns{i % namespaces}";
            list.Add(new Ingress
            {
                Metadata = new ObjectMeta
                {
                    Name = $"ing{i}",
                    Namespace = ns,
                    CreationTimestamp = DateTimeOffset.UnixEpoch.AddSeconds(i),
                    Annotations = new Dictionary<string, string> { ["cloudingress.io/group"] = $"g{i % 10}" },
                },
                Spec = new IngressSpec
                {
                    IngressClassName = "cloudingress",
                    Rules = Enumerable.Range(0, 2).Select(r => new IngressRule
                    {
                        Host = $"h{i}-{r}.example.com",
                        Http = new HttpIngressRuleValue
                        {
                            Paths = Enumerable.Range(0, pathsPerIngress / 2).Select(p => new HttpIngressPath
                            {
                                Path = p == 0 ? "/" : "/p" + p.ToString(CultureInfo.InvariantCulture),
                                PathType = p % 3 == 0 ? "Exact" : "Prefix",
                                Backend = new IngressBackend
                                {
                                    Service = new IngressServiceBackend
                                    {
                                        Name = $"svc{((i / namespaces) + p) % servicesPerNamespace}",
                                        Port = new ServiceBackendPort { Number = 80 },
                                    },
                                },
                            }).ToList(),
                        },
                    }).ToList(),
                },
            });
        }

        return new ClusterSnapshot { Ingresses = list, Services = serviceList, EndpointSlices = slices };
    }
}
