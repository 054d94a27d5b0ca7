using CloudIngress.Core.Build;
using CloudIngress.Core.Model;
using CloudIngress.Kubernetes.Manifests;

namespace CloudIngress.Providers.Azure.Tests;

/// <summary>Models from YAML, next to the Services, EndpointSlices and Secrets every golden case shares (web, api, app-tls, wild-tls...).</summary>
internal static class Models
{
    private static readonly string Shared = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testassets", "shared.yaml"));

    public static GatewayModel Build(string yaml)
    {
        var collector = new ManifestCollector();
        collector.AddText(yaml, "input.yaml");
        collector.AddText(Shared, "shared.yaml");
        return ModelBuilder.Build(collector.Build().Snapshot);
    }

    /// <summary>An Ingress of class cloudingress; <paramref name="annotations"/> as a YAML flow map body.</summary>
    public static string Ingress(string name, string rules, string annotations = "", string tls = "", string created = "2026-01-01T00:00:00Z") => $$"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: {{name}}, namespace: default, creationTimestamp: "{{created}}", annotations: { {{annotations}} } }
        spec:
          ingressClassName: cloudingress
          {{(tls.Length > 0 ? "tls: " + tls : string.Empty)}}
          rules: {{rules}}
        ---

        """;

    /// <summary>One rule: host (or empty) and path list of (path, type, service).</summary>
    public static string Rule(string host, params (string Path, string Type, string Service)[] paths) =>
        $"{{{(host.Length > 0 ? $"host: \"{host}\", " : string.Empty)}http: {{paths: [{string.Join(", ", paths.Select(p => $"{{path: {p.Path}, pathType: {p.Type}, backend: {{service: {{name: {p.Service}, port: {{number: 80}}}}}}}}"))}]}}}}";
}
