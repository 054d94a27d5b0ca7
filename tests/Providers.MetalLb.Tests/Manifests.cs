using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Providers.MetalLb.Planning;

namespace CloudIngress.Providers.MetalLb.Tests;

/// <summary>Objects written as YAML, as a user writes them, read by the manifests loader.</summary>
internal static class Manifests
{
    public static ClusterSnapshot Read(params string[] documents)
    {
        var collector = new ManifestCollector();
        collector.AddText(string.Join("\n---\n", documents), "test.yaml");
        var set = collector.Build();
        Assert.Empty(set.Diagnostics);
        return set.Snapshot;
    }

    public static GatewayModel Model(ClusterSnapshot snapshot) => ModelBuilder.Build(snapshot, BuildOptions.Default);

    public static MetalLbPlan Plan(ClusterSnapshot snapshot, MetalLbOptions? options = null) =>
        MetalLbPlanner.Plan(Model(snapshot), snapshot, options ?? new MetalLbOptions());

    /// <summary>"a,b" for the addresses of a Service, "Pending" when it has none.</summary>
    public static string Addresses(this MetalLbPlan plan, string service)
    {
        var a = Assert.Single(plan.Assignments, a => a.Service.Key == service);
        return a.Pending ? "Pending" : string.Join(",", a.Addresses);
    }

    public static Diagnostic About(this MetalLbPlan plan, string service, string code) =>
        Assert.Single(plan.Diagnostics, d => d.Object.Key == service && d.Code == code);

    public static string Pool(string name, string addresses, string extra = "") => $$"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: {{name}}, namespace: metallb-system}
        spec:
          addresses: [{{addresses}}]
        {{extra}}
        """;

    /// <summary>One Ingress of the default group: the controller then owns the shared Service in front of the proxy.</summary>
    public const string ShopIngress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: shop}
        spec:
          ingressClassName: cloudingress
          rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
        """;

    public const string L2 = """
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: all, namespace: metallb-system}
        """;

    /// <summary>A Service of type LoadBalancer without a class: MetalLB's.</summary>
    public static string Svc(string ns, string name, string ports = "[{port: 80}]", string annotations = "{}", string spec = "", string status = "", string created = "", string labels = "{}") => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: {{ns}}
          annotations: {{annotations}}
          labels: {{labels}}
        {{(created.Length == 0 ? string.Empty : $"  creationTimestamp: \"{created}\"")}}
        spec:
          type: LoadBalancer
          ports: {{ports}}
        {{spec}}
        {{(status.Length == 0 ? string.Empty : $"status: {{loadBalancer: {{ingress: [{string.Join(", ", status.Split(',').Select(ip => $"{{ip: {ip}}}"))}]}}}}")}}
        """;
}
