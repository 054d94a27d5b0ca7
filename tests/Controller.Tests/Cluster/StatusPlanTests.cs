using CloudIngress.Controller.Cluster;
using CloudIngress.Core.Build;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Controller.Tests.Cluster;

public sealed class StatusPlanTests
{
    [Fact]
    public void ServedIngresses_GetTheAddresses_OnlyWhenTheyDiffer_AndAbandonedOnesAreCleared()
    {
        var snapshot = new ClusterSnapshot
        {
            Ingresses =
            [
                Ingress("fresh", "cloudingress", null),
                Ingress("current", "cloudingress", "192.0.2.10"),
                Ingress("moved-away", "other", "192.0.2.10"),
                Ingress("someone-elses", "other", "198.51.100.7"),
            ],
            Services = [new Service { Metadata = new ObjectMeta { Name = "web", Namespace = "default" }, Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] } }],
        };
        var model = ModelBuilder.Build(snapshot, BuildOptions.Default);
        var writes = StatusPlan.Compute(snapshot, model, ["192.0.2.10"]).ToDictionary(w => w.Object.Name);

        Assert.Equal(["fresh", "moved-away"], writes.Keys.Order());
        Assert.Equal("192.0.2.10", Assert.Single(writes["fresh"].Ingress).Ip);
        Assert.Empty(writes["moved-away"].Ingress);
    }

    [Fact]
    public void Addresses_SplitIntoIpsAndHostnames()
    {
        var addresses = StatusPlan.Addresses(["lb.example.com", "2001:db8::1", "192.0.2.1", "192.0.2.1"]);
        Assert.Equal(3, addresses.Count);
        Assert.Contains(addresses, a => a.Hostname == "lb.example.com" && a.Ip is null);
        Assert.Contains(addresses, a => a.Ip == "2001:db8::1");
    }

    private static Ingress Ingress(string name, string className, string? address) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new IngressSpec
        {
            IngressClassName = className,
            DefaultBackend = new IngressBackend { Service = new IngressServiceBackend { Name = "web", Port = new ServiceBackendPort { Number = 80 } } },
        },
        Status = address is null ? null : new IngressStatus { LoadBalancer = new LoadBalancerStatus { Ingress = [new LoadBalancerIngress { Ip = address }] } },
    };
}
