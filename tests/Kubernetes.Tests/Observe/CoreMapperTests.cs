using CloudIngress.Core.Resources;
using CloudIngress.Kubernetes.Observe;
using k8s;
using k8s.Models;

namespace CloudIngress.Kubernetes.Tests.Observe;

/// <summary>The package's models into Core's types: every field Core reads arrives, with its wire meaning.</summary>
public sealed class CoreMapperTests
{
    private const string IngressJson = """
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
         "metadata":{"name":"shop","namespace":"team-a","uid":"u-1","resourceVersion":"42","generation":3,
           "creationTimestamp":"2026-01-02T03:04:05Z","deletionTimestamp":"2026-01-03T00:00:00Z",
           "labels":{"app":"shop"},"annotations":{"cloudingress.io/tls-mode":"bridge"},"finalizers":["cloudingress.io/finalizer"]},
         "spec":{"ingressClassName":"cloudingress",
           "defaultBackend":{"service":{"name":"web","port":{"name":"http"}}},
           "tls":[{"hosts":["shop.example"],"secretName":"shop-tls"}],
           "rules":[{"host":"shop.example","http":{"paths":[{"path":"/cart","pathType":"Prefix","backend":{"service":{"name":"cart","port":{"number":8080}}}}]}}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1"},{"hostname":"lb.example"}]}}}
        """;

    [Fact]
    public void Ingress_EveryFieldCoreReads_Arrives()
    {
        var ingress = CoreMapper.Ingress(KubernetesJson.Deserialize<V1Ingress>(IngressJson));
        Assert.Equal(("shop", "team-a", "u-1", "42", 3L), (ingress.Metadata.Name, ingress.Metadata.Namespace, ingress.Metadata.Uid, ingress.Metadata.ResourceVersion, ingress.Metadata.Generation));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), ingress.Metadata.CreationTimestamp);
        Assert.Equal(new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero), ingress.Metadata.DeletionTimestamp);
        Assert.Equal("bridge", ingress.Metadata.Annotations!["cloudingress.io/tls-mode"]);
        Assert.Equal("shop", ingress.Metadata.Labels!["app"]);
        Assert.Equal(["cloudingress.io/finalizer"], ingress.Metadata.Finalizers);
        Assert.Equal("cloudingress", ingress.Spec!.IngressClassName);
        Assert.Equal("http", ingress.Spec.DefaultBackend!.Service!.Port!.Name);
        Assert.Equal("shop-tls", Assert.Single(ingress.Spec.Tls!).SecretName);
        var path = Assert.Single(Assert.Single(ingress.Spec.Rules!).Http!.Paths!);
        Assert.Equal(("/cart", "Prefix", "cart", 8080), (path.Path, path.PathType, path.Backend!.Service!.Name, path.Backend.Service.Port!.Number));
        Assert.Equal(["192.0.2.1", "lb.example"], ingress.Status!.LoadBalancer!.Ingress!.Select(i => i.Ip ?? i.Hostname));
    }

    [Fact]
    public void Service_TargetPortsByNumberAndName_AndLoadBalancerClass()
    {
        var service = CoreMapper.Service(KubernetesJson.Deserialize<V1Service>("""
            {"metadata":{"name":"web","namespace":"default"},
             "spec":{"type":"LoadBalancer","loadBalancerClass":"cloudingress.io/lb","clusterIP":"10.96.0.10",
               "ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},{"name":"https","port":443,"targetPort":"https","protocol":"TCP"}]}}
            """));
        Assert.Equal("LoadBalancer", service.Spec!.Type);
        Assert.Equal("cloudingress.io/lb", service.Spec.LoadBalancerClass);
        Assert.Equal(Core.Resources.IntOrString.FromNumber(8080), service.Spec.Ports![0].TargetPort);
        Assert.Equal(Core.Resources.IntOrString.FromText("https"), service.Spec.Ports[1].TargetPort);
    }

    [Fact]
    public void EndpointSlice_ConditionsAndPorts_AndSecretData_AsBase64()
    {
        var slice = CoreMapper.EndpointSlice(KubernetesJson.Deserialize<V1EndpointSlice>("""
            {"metadata":{"name":"web-1","namespace":"default","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4",
             "endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":false,"serving":true,"terminating":true}}],
             "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}
            """));
        var endpoint = Assert.Single(slice.Endpoints!);
        Assert.Equal((false, true, true), (endpoint.Conditions!.Ready, endpoint.Conditions.Serving, endpoint.Conditions.Terminating));
        Assert.Equal(8080, Assert.Single(slice.Ports!).Port);

        var secret = CoreMapper.Secret(KubernetesJson.Deserialize<V1Secret>("""
            {"metadata":{"name":"site","namespace":"default"},"type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}}
            """));
        Assert.Equal(Secret.TlsType, secret.Type);
        Assert.Equal("Y2VydA==", secret.Data!["tls.crt"]);
        Assert.Equal("key", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret.Data["tls.key"])));
    }
}
