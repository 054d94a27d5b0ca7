using CloudIngress.Core.Resources;
using CloudIngress.Kubernetes.Observe;
using k8s;
using k8s.Models;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

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

    /// <summary>Every field of Core's types, set on the wire: what the field-by-field mapping must carry.</summary>
    public static TheoryData<string> EveryField => new()
    {
        IngressJson.Replace("""{"ip":"192.0.2.1"}""", """{"ip":"192.0.2.1","ports":[{"port":443,"protocol":"TCP","error":"Pending"}]}""", StringComparison.Ordinal)
            .Replace("""{"service":{"name":"web","port":{"name":"http"}}}""", """{"resource":{"apiGroup":"storage.example","kind":"Bucket","name":"static"}}""", StringComparison.Ordinal),
        """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","uid":"u-2","resourceVersion":"7","generation":2,"creationTimestamp":"2026-01-02T03:04:05.123456Z",
           "deletionTimestamp":"2026-01-03T00:00:00Z","labels":{"app":"web"},"annotations":{"note":"n"},"finalizers":["f"]},
         "spec":{"type":"LoadBalancer","selector":{"app":"web"},"clusterIP":"10.96.0.10","loadBalancerClass":"cloudingress.io/lb",
           "loadBalancerIP":"192.0.2.9","loadBalancerSourceRanges":["10.0.0.0/8"],"externalTrafficPolicy":"Local","externalName":"web.example",
           "ipFamilies":["IPv4","IPv6"],"ipFamilyPolicy":"PreferDualStack",
           "ports":[{"name":"http","protocol":"TCP","appProtocol":"http","port":80,"targetPort":8080,"nodePort":30080},
                    {"name":"https","protocol":"TCP","port":443,"targetPort":"https"}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1","hostname":"lb.example","ipMode":"VIP","ports":[{"port":80,"protocol":"TCP","error":"Pending"}]}]}}}
        """,
        """
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web","namespace":"default","uid":"u-2","resourceVersion":"7","generation":2,"creationTimestamp":"2026-01-02T03:04:05.123456Z",
           "deletionTimestamp":"2026-01-03T00:00:00Z","labels":{"app":"web"},"annotations":{"note":"n"},"finalizers":["f"]},
         "addressType":"IPv4",
         "endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"hostname":"web-0","nodeName":"node-a","zone":"z1",
                       "targetRef":{"apiVersion":"v1","kind":"Pod","namespace":"default","name":"web-0","uid":"p-1"}}],
         "ports":[{"name":"http","protocol":"TCP","appProtocol":"http","port":8080}]}
        """,
        """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"web","namespace":"default","uid":"u-2","resourceVersion":"7","generation":2,"creationTimestamp":"2026-01-02T03:04:05.123456Z",
           "deletionTimestamp":"2026-01-03T00:00:00Z","labels":{"app":"web"},"annotations":{"note":"n"},"finalizers":["f"]},"type":"Opaque","immutable":true,
         "data":{"bin":"AP8Q","text":"aGk="},"stringData":{"user":"admin"}}
        """,
        """
        {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"web","namespace":"default","uid":"u-2","resourceVersion":"7","generation":2,"creationTimestamp":"2026-01-02T03:04:05.123456Z",
           "deletionTimestamp":"2026-01-03T00:00:00Z","labels":{"app":"web"},"annotations":{"note":"n"},"finalizers":["f"]},
         "spec":{"controller":"cloudingress.io/controller","parameters":{"apiGroup":"cloudingress.io","kind":"Params","name":"p","namespace":"default","scope":"Namespace"}}}
        """,
    };

    /// <summary>
    /// Field by field gives what decoding the wire JSON into Core's type gives (the meaning Core's
    /// types have for manifests); and the fixtures set every property of every Core type reached,
    /// so a field the mapper leaves out fails here.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryField))]
    public void FieldByField_MatchesTheWireMeaning_ForEveryField(string json)
    {
        var kind = JsonNode.Parse(json)!["kind"]!.GetValue<string>();
        var (mapped, reference, type) = kind switch
        {
            "Ingress" => Pair(KubernetesJson.Deserialize<V1Ingress>(json), CoreMapper.Ingress, KubernetesJsonContext.Default.Ingress),
            "Service" => Pair(KubernetesJson.Deserialize<V1Service>(json), CoreMapper.Service, KubernetesJsonContext.Default.Service),
            "EndpointSlice" => Pair(KubernetesJson.Deserialize<V1EndpointSlice>(json), CoreMapper.EndpointSlice, KubernetesJsonContext.Default.EndpointSlice),
            "Secret" => Pair(KubernetesJson.Deserialize<V1Secret>(json), CoreMapper.Secret, KubernetesJsonContext.Default.Secret),
            "IngressClass" => Pair(KubernetesJson.Deserialize<V1IngressClass>(json), CoreMapper.IngressClass, KubernetesJsonContext.Default.IngressClass),
            _ => throw new ArgumentException(kind),
        };

        Assert.Equal(reference, mapped);
        var present = Names(JsonNode.Parse(reference)!).ToHashSet(StringComparer.Ordinal);
        // Ingress's status has no ipMode (Core shares LoadBalancerIngress with Service's); a default backend is a Service or a resource.
        var notOnTheWire = kind == "Ingress" ? new[] { "ipMode" } : [];
        var missing = CoreProperties(type).Where(p => !present.Contains(p) && !notOnTheWire.Contains(p)).ToList();
        Assert.True(missing.Count == 0, $"the {kind} fixture leaves unset: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ListsOfObjects_WithoutApiVersionAndKind_GetCoresOwn()
    {
        var ingress = CoreMapper.Ingress(new V1Ingress { Metadata = new V1ObjectMeta { Name = "a" } });
        Assert.Equal((Ingress.ApiVersionValue, Ingress.KindValue, "a"), (ingress.ApiVersion, ingress.Kind, ingress.Metadata.Name));
        Assert.Null(ingress.Spec);
    }

    [Fact]
    public void RepeatedNames_ShareOneString()
    {
        var a = CoreMapper.Ingress(KubernetesJson.Deserialize<V1Ingress>(IngressJson));
        var b = CoreMapper.Ingress(KubernetesJson.Deserialize<V1Ingress>(IngressJson));
        Assert.Same(a.Metadata.Namespace, b.Metadata.Namespace);
        Assert.Same(a.Spec!.Rules![0].Http!.Paths![0].Backend!.Service!.Name, b.Spec!.Rules![0].Http!.Paths![0].Backend!.Service!.Name);
        Assert.NotSame(a.Metadata.Uid, b.Metadata.Uid);
    }

    [Fact]
    public void StringPool_IsBounded_ByCountAndLength()
    {
        var pool = new StringPool(capacity: 2);
        var first = pool.Get(new string('a', 3));
        Assert.Same(first, pool.Get(new string('a', 3)));
        pool.Get("b");
        var third = new string('c', 3);
        Assert.Same(third, pool.Get(third));
        Assert.NotSame(pool.Get(new string('c', 3)), third); // full: kept as given
        var longText = new string('x', StringPool.MaxLength + 1);
        Assert.Same(longText, pool.Get(longText));
        Assert.Equal(2, pool.Count);
    }

    /// <summary>The mapping under test, and the reference: the package's JSON decoded into Core's type.</summary>
    private static (string Mapped, string Reference, Type Type) Pair<TModel, T>(TModel model, Func<TModel, T> map, JsonTypeInfo<T> type) =>
        (JsonSerializer.Serialize(map(model), type), JsonSerializer.Serialize(JsonSerializer.Deserialize(KubernetesJson.Serialize(model), type)!, type), typeof(T));

    private static IEnumerable<string> Names(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => new[] { p.Key }.Concat(p.Value is null ? [] : Names(p.Value))),
        JsonArray a => a.SelectMany(i => i is null ? [] : Names(i)),
        _ => [],
    };

    /// <summary>The camelCase names of every property of <paramref name="type"/> and of the Core types it holds.</summary>
    private static IEnumerable<string> CoreProperties(Type type, HashSet<Type>? seen = null)
    {
        seen ??= [];
        if (!seen.Add(type))
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            yield return JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var held = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                ? property.PropertyType.GetGenericArguments()[0]
                : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (held.Namespace == typeof(Ingress).Namespace && held.IsClass)
            {
                foreach (var name in CoreProperties(held, seen))
                {
                    yield return name;
                }
            }
        }
    }
}
