using CloudIngress.Core.Annotations;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Manifests;

namespace CloudIngress.Core.Tests.Build;

/// <summary>
/// Random snapshots for property tests: valid and invalid values mixed, names drawn from small
/// sets so that references, conflicts and groups actually happen.
/// </summary>
internal sealed class RandomSnapshots(int seed, bool uniqueNames = true)
{
    private static readonly string[] Namespaces = ["default", "team-a"];
    private static readonly string[] ServiceNames = ["web", "api", "s1", "s2", "ext", "lb"];
    private static readonly string?[] Hosts =
        [null, "", "a.example.com", "a.example.com", "b.example.com", "b.example.com", "*.example.com", "*.example.com", "A.example.com", "10.0.0.1", "bad host", "x.*.com"];
    private static readonly string?[] PathValues = [null, "/", "/", "/a", "/a", "/a/", "/b", "/b", "/a/b", "rel", "/q?x", "//"];
    private static readonly string?[] PathTypes = ["Exact", "Prefix", "Prefix", "Prefix", "ImplementationSpecific", null, "bogus"];
    private static readonly string?[] ClassNames = ["cloudingress", "cloudingress", "cloudingress", "cloudingress", null, "nginx", ""];
    private static readonly string?[] Timestamps = [null, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"];
    private static readonly string[] Garbage = ["", " ", "???", "-1", "99999999999", "true", "null", "\u0000", "ünïcødé", "a,b,,c"];

    private static readonly ClusterSnapshot Shared = LoadShared();

    private readonly Random _random = new(seed);

    public ClusterSnapshot Next()
    {
        var services = Many(0, 6, Service).DistinctBy(s => uniqueNames ? Key(s) : Guid.NewGuid().ToString()).ToList();
        return new ClusterSnapshot
        {
            Ingresses = Many(1, 8, Ingress).DistinctBy(i => uniqueNames ? Key(i) : Guid.NewGuid().ToString()).ToList(),
            IngressClasses = Many(0, 2, Class).DistinctBy(c => c.Metadata.Name).ToList(),
            Services = services,
            EndpointSlices = services.SelectMany(Slices).ToList(),
            Secrets = [.. Shared.Secrets, .. Many(0, 3, GarbageSecret).DistinctBy(Key)],
        };
    }

    private static string Key(IKubernetesObject o) => $"{o.Metadata.Namespace}/{o.Metadata.Name}";

    private Ingress Ingress() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "ing" + _random.Next(6),
            Namespace = Pick(Namespaces),
            CreationTimestamp = Pick(Timestamps) is { } t ? DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null,
            DeletionTimestamp = _random.Next(10) == 0 ? DateTimeOffset.UnixEpoch : null,
            Annotations = Annotations(),
        },
        Spec = _random.Next(12) == 0 ? null : new IngressSpec
        {
            IngressClassName = Pick(ClassNames),
            DefaultBackend = _random.Next(4) == 0 ? Backend() : null,
            Tls = Many(0, 2, () => new IngressTls
            {
                Hosts = Many(0, 2, () => Pick(Hosts) ?? "a.example.com"),
                SecretName = Pick(["app-tls", "wild-tls", "nope", "junk0", null]),
            }),
            Rules = Many(1, 3, () => new IngressRule
            {
                Host = Pick(Hosts),
                Http = _random.Next(8) == 0 ? null : new HttpIngressRuleValue
                {
                    Paths = Many(1, 3, () => new HttpIngressPath { Path = Pick(PathValues), PathType = Pick(PathTypes), Backend = Backend() }),
                },
            }),
        },
    };

    private IngressClass Class() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = Pick(["cloudingress", "nginx", "edge"]),
            Annotations = _random.Next(2) == 0 ? new Dictionary<string, string> { [IngressClass.IsDefaultClassAnnotation] = Pick(["true", "false", "TRUE"]) } : null,
        },
        Spec = new IngressClassSpec { Controller = Pick([CloudIngress.Core.Build.BuildOptions.DefaultControllerName, "k8s.io/ingress-nginx", null]) },
    };

    private Dictionary<string, string>? Annotations()
    {
        if (_random.Next(3) == 0)
        {
            return null;
        }

        var keys = AnnotationCatalog.All.SelectMany(d => d.Keys.Select(k => k.Name))
            .Concat(AnnotationCatalog.SnippetKeys).Append("cloudingress.io/typo").Append("kubernetes.io/ingress.class").ToList();
        var result = new Dictionary<string, string>();
        for (var i = _random.Next(1, 6); i > 0; i--)
        {
            result[Pick(keys)] = AnnotationValue();
        }

        return result;
    }

    private string AnnotationValue() => _random.Next(4) switch
    {
        0 => Pick(Garbage),
        1 => Pick(["true", "false", "443", "10", "30s", "8m", "v2", "basic", "htpasswd", "backend-ca", "default/htpasswd", "other/x"]),
        2 => Pick(["offload", "passthrough", "bridge", "HTTPS", "GRPC", "internal", "g1", "g2", "least-request", "instance", "/v1"]),
        _ => Pick(["10.0.0.0/8, 192.168.1.1", "2001:db8::/32", "[{\"HTTP\": 80}, {\"HTTPS\": 443}]", "arn:aws:acm:x:1:certificate/a", "/healthz", "200-299", "X-Canary", "cloudingress"]),
    };

    private IngressBackend? Backend() => _random.Next(10) switch
    {
        0 => null,
        1 => new IngressBackend { Resource = new TypedLocalObjectReference { Kind = "Bucket", Name = "b" } },
        _ => new IngressBackend
        {
            Service = new IngressServiceBackend
            {
                Name = _random.Next(8) == 0 ? null : Pick(ServiceNames),
                Port = _random.Next(8) == 0 ? null : _random.Next(2) == 0
                    ? new ServiceBackendPort { Number = Pick([80, 443, 8080, 0, -1]) }
                    : new ServiceBackendPort { Name = Pick(["http", "https", "grpc", ""]) },
            },
        },
    };

    private Service Service() => new()
    {
        Metadata = new ObjectMeta { Name = Pick(ServiceNames), Namespace = Pick(Namespaces), Annotations = Annotations() },
        Spec = new ServiceSpec
        {
            Type = Pick(["ClusterIP", "LoadBalancer", "LoadBalancer", "ExternalName", null]),
            LoadBalancerClass = Pick([CloudIngress.Core.Build.BuildOptions.DefaultServiceClass, CloudIngress.Core.Build.BuildOptions.DefaultServiceClass, null, "other"]),
            ExternalName = Pick(["api.example.org", "not valid", null]),
            LoadBalancerIP = Pick([null, "192.0.2.1", "junk"]),
            LoadBalancerSourceRanges = _random.Next(3) == 0 ? [Pick(["10.0.0.0/8", "bad", "::/0"])] : null,
            Ports = Many(0, 3, () => new ServicePort
            {
                Name = Pick(["http", "https", "grpc", null]),
                Port = Pick([80, 443, 8080, 53]),
                Protocol = Pick(["TCP", "UDP", "SCTP", null, "bogus"]),
                TargetPort = _random.Next(2) == 0 ? IntOrString.FromNumber(Pick([8080, 9090])) : IntOrString.FromText(Pick(["http", "x"])),
                NodePort = _random.Next(3) == 0 ? 30080 : null,
            }),
        },
    };

    private IEnumerable<EndpointSlice> Slices(Service service, int index) =>
        Many(0, 2, () => new EndpointSlice
        {
            Metadata = new ObjectMeta
            {
                Name = $"{service.Metadata.Name}-{index}-{_random.Next(1000)}",
                Namespace = service.Metadata.Namespace,
                Labels = new Dictionary<string, string> { [EndpointSlice.ServiceNameLabel] = service.Metadata.Name! },
            },
            Ports = Many(0, 2, () => new EndpointPort { Name = Pick(["http", "https", null]), Port = Pick<int?>([8080, 9090, null]) }),
            Endpoints = Many(0, 3, () => new Endpoint
            {
                Addresses = _random.Next(6) == 0 ? [] : [Pick(["10.0.0.1", "10.0.0.2", "fd00::1", "host.example"])],
                Conditions = _random.Next(3) == 0 ? null : new EndpointConditions { Ready = Pick<bool?>([true, false, null]) },
                NodeName = Pick(["n1", null]),
            }),
        }).DistinctBy(s => s.Metadata.Name);

    private Secret GarbageSecret() => new()
    {
        Metadata = new ObjectMeta { Name = "junk" + _random.Next(3), Namespace = Pick(Namespaces) },
        Type = Pick([Secret.TlsType, Secret.OpaqueType, null]),
        Data = new Dictionary<string, string> { [Pick(["tls.crt", "tls.key", "ca.crt", "auth"])] = Pick(Garbage) },
        StringData = _random.Next(2) == 0 ? new Dictionary<string, string> { ["auth"] = "u:" + Pick(Garbage) } : null,
    };

    private List<T> Many<T>(int min, int max, Func<T> make) => Enumerable.Range(0, _random.Next(min, max + 1)).Select(_ => make()).ToList();

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static ClusterSnapshot LoadShared()
    {
        var collector = new ManifestCollector();
        collector.AddText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testassets", "_shared", "shared.yaml")), "shared.yaml");
        return collector.Build().Snapshot;
    }

    /// <summary>The same snapshot with every list in a different order.</summary>
    public static ClusterSnapshot Shuffle(ClusterSnapshot snapshot, int seed)
    {
        var random = new Random(seed);
        List<T> Mix<T>(IEnumerable<T> items) => items.OrderBy(_ => random.Next()).ToList();
        return snapshot with
        {
            Ingresses = Mix(snapshot.Ingresses),
            IngressClasses = Mix(snapshot.IngressClasses),
            Services = Mix(snapshot.Services),
            EndpointSlices = Mix(snapshot.EndpointSlices),
            Secrets = Mix(snapshot.Secrets),
        };
    }
}
