using k8s;
using k8s.Models;
using System.Text.Json.Nodes;

namespace CloudIngress.Tests;

/// <summary>The official client against an emulated API server, and server-side apply of test objects as a user's tooling would.</summary>
internal static class TestKube
{
    public static IKubernetes Client(Uri server, System.Security.Cryptography.X509Certificates.X509Certificate2? ca = null, string? token = null) =>
        new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.ToString(), SslCaCerts = ca is null ? null : [ca], AccessToken = token });

    /// <summary>Server-side apply of <paramref name="body"/> (it carries its kind and metadata) as field manager "test".</summary>
    public static async Task ApplyAsync(this IKubernetes client, JsonObject body)
    {
        var (kind, name, ns) = ((string)body["kind"]!, (string)body["metadata"]!["name"]!, (string?)body["metadata"]!["namespace"] ?? "default");
        body["apiVersion"] ??= kind switch { "Ingress" => "networking.k8s.io/v1", "EndpointSlice" => "discovery.k8s.io/v1", _ => "v1" };
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        _ = kind switch
        {
            "Service" => (object)await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: "test", force: true),
            "Secret" => await client.CoreV1.PatchNamespacedSecretAsync(patch, name, ns, fieldManager: "test", force: true),
            "Ingress" => await client.NetworkingV1.PatchNamespacedIngressAsync(patch, name, ns, fieldManager: "test", force: true),
            "EndpointSlice" => await client.DiscoveryV1.PatchNamespacedEndpointSliceAsync(patch, name, ns, fieldManager: "test", force: true),
            _ => throw new ArgumentException($"no apply for {kind}", nameof(body)),
        };
    }
}
