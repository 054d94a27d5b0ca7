using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Kubernetes.Manifests;

namespace CloudIngress.Kubernetes.Tests.Manifests;

public sealed class ManifestCollectorTests
{
    [Fact]
    public void AddText_MultiDocumentYaml_ReadsEveryKindIntoTheSameTypes()
    {
        var set = Read("""
            # leading comment
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            ---
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              ports: [{name: http, port: 80, targetPort: http-port}, {port: 81, targetPort: 8081}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080}]
            endpoints: [{addresses: [10.0.0.1], conditions: {ready: true, serving: true, terminating: false}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: cloudingress}
            spec: {controller: cloudingress.io/ingress-controller}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls, namespace: shop}
            type: kubernetes.io/tls
            stringData: {tls.crt: x}
            ...
            """);

        Assert.Empty(set.Diagnostics);
        var ingress = Assert.Single(set.Snapshot.Ingresses);
        Assert.Equal("default", ingress.Metadata.Namespace);
        Assert.Equal(80, ingress.Spec!.Rules![0].Http!.Paths![0].Backend!.Service!.Port!.Number);
        var service = Assert.Single(set.Snapshot.Services);
        Assert.Equal(IntOrString.FromText("http-port"), service.Spec!.Ports![0].TargetPort);
        Assert.Equal(IntOrString.FromNumber(8081), service.Spec.Ports[1].TargetPort);
        Assert.True(Assert.Single(set.Snapshot.EndpointSlices).Endpoints![0].Conditions!.Ready);
        Assert.Null(Assert.Single(set.Snapshot.IngressClasses).Metadata.Namespace);
        Assert.Equal("x"u8.ToArray(), Assert.Single(set.Snapshot.Secrets).GetValue("tls.crt", out _));
        Assert.Equal("test.yaml, document 2", set.Sources[new ObjectRef("Service", "shop", "web")]);
    }

    [Fact]
    public void AddText_Json_SingleObjectAndList()
    {
        var collector = new ManifestCollector();
        collector.AddText("""{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}}""", "a.json");
        collector.AddText("""{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}},]}""", "b.json");
        var set = collector.Build();
        Assert.Empty(set.Diagnostics);
        Assert.Equal(["a", "b"], set.Snapshot.Services.Select(s => s.Metadata.Name));
        Assert.Equal("b.json, items[0]", set.Sources[new ObjectRef("Service", "default", "b")]);
    }

    [Fact]
    public void AddText_WrongType_NamesFileDocumentObjectAndField()
    {
        var set = Read("""
            apiVersion: v1
            kind: Service
            metadata: {name: ok}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              ports: [{port: "80"}]
            """);

        var diagnostic = Assert.Single(set.Diagnostics);
        Assert.Equal(DiagnosticCodes.ManifestInvalid, diagnostic.Code);
        Assert.Equal(new ObjectRef("Service", "shop", "web"), diagnostic.Object);
        Assert.Equal("test.yaml, document 2", diagnostic.Source);
        Assert.Equal("field spec.ports[0].port: expected an integer, found a string \"80\"", diagnostic.Message);
        Assert.Single(set.Snapshot.Services);
    }

    [Fact]
    public void AddText_WrongTypeInSecret_NeverQuotesTheValue()
    {
        var set = Read("""
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            data:
              tls.key: [hunter2-very-secret]
            """);
        var diagnostic = Assert.Single(set.Diagnostics);
        Assert.Contains("data[tls.key]: expected a string", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddText_YamlSyntaxError_SpoilsOnlyItsDocument()
    {
        var set = Read("""
            apiVersion: v1
            kind: Service
            metadata: {name: before}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: [broken
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: after}
            """);
        var diagnostic = Assert.Single(set.Diagnostics);
        Assert.StartsWith("test.yaml, document 2, line", diagnostic.Source, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(["before", "after"], set.Snapshot.Services.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void AddText_DuplicateKey_IsAnError()
    {
        var set = Read("""
            apiVersion: v1
            kind: Service
            metadata: {name: a}
            metadata: {name: b}
            """);
        Assert.Contains("Duplicate key metadata", Assert.Single(set.Diagnostics).Message, StringComparison.Ordinal);
        Assert.Empty(set.Snapshot.Services);
    }

    [Fact]
    public void AddText_Scalars_FollowTheYamlCoreSchema()
    {
        var set = Read("""
            apiVersion: v1
            kind: Service
            metadata:
              name: scalars
              annotations: {quoted-number: "80", quoted-bool: "true", on-stays-text: on, tilde-is-null: ~}
            spec:
              ports: [{port: 0x50}]
            """);
        // 0x50 is not a YAML 1.2 decimal integer: it stays a string and is a type error for port.
        Assert.Contains("expected an integer", Assert.Single(set.Diagnostics).Message, StringComparison.Ordinal);

        set = Read("""
            apiVersion: v1
            kind: Service
            metadata:
              name: scalars
              annotations: {quoted-number: "80", quoted-bool: "true", on-stays-text: on}
            """);
        Assert.Empty(set.Diagnostics);
        var annotations = Assert.Single(set.Snapshot.Services).Metadata.Annotations!;
        Assert.Equal("80", annotations["quoted-number"]);
        Assert.Equal("true", annotations["quoted-bool"]);
        Assert.Equal("on", annotations["on-stays-text"]);
    }

    [Fact]
    public void AddText_AnchorsAndAliases_AreResolved()
    {
        var set = Read("""
            apiVersion: v1
            kind: Service
            metadata: {name: a, labels: &labels {app: web}}
            spec: {selector: *labels}
            """);
        Assert.Equal("web", Assert.Single(set.Snapshot.Services).Spec!.Selector!["app"]);
    }

    [Fact]
    public void AddText_KindsWeDoNotRead_AreSkippedSilently_OldVersionsAreNot()
    {
        var set = Read("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            ---
            apiVersion: discovery.k8s.io/v1beta1
            kind: EndpointSlice
            metadata: {name: old}
            ---
            kind: Service
            metadata: {name: no-version}
            ---
            - just
            - a list
            """);
        Assert.Equal(
            [DiagnosticCodes.ManifestInvalid, DiagnosticCodes.ManifestInvalid, DiagnosticCodes.UnsupportedApiVersion],
            set.Diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.Contains(set.Diagnostics, d => d.Message.Contains("use discovery.k8s.io/v1", StringComparison.Ordinal));
    }

    [Fact]
    public void AddText_MetalLbKindsAndNamespaces_AreReadIntoTheSnapshot()
    {
        var set = Read("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {team: web}}
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: public, namespace: metallb-system}
            spec:
              addresses: [192.0.2.0/28, 192.0.2.100-192.0.2.110]
              autoAssign: false
              avoidBuggyIPs: true
              serviceAllocation:
                priority: 5
                namespaces: [shop]
                namespaceSelectors: [{matchLabels: {team: web}}]
                serviceSelectors: [{matchExpressions: [{key: tier, operator: In, values: [edge]}]}]
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: l2}
            spec: {ipAddressPools: [public], interfaces: [eth0]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: BGPAdvertisement
            metadata: {name: bgp}
            spec: {ipAddressPoolSelectors: [{matchLabels: {bgp: "yes"}}], aggregationLength: 32, localPref: 100}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: dns}
            spec: {type: LoadBalancer, ipFamilies: [IPv6, IPv4], ipFamilyPolicy: PreferDualStack}
            """);

        Assert.Empty(set.Diagnostics);
        Assert.Null(Assert.Single(set.Snapshot.Namespaces).Metadata.Namespace);
        var pool = Assert.Single(set.Snapshot.AddressPools);
        Assert.Equal("metallb-system", pool.Metadata.Namespace);
        Assert.Equal(["192.0.2.0/28", "192.0.2.100-192.0.2.110"], pool.Spec!.Addresses!);
        Assert.False(pool.Spec.AutoAssign);
        Assert.True(pool.Spec.AvoidBuggyIPs);
        Assert.Equal(5, pool.Spec.ServiceAllocation!.Priority);
        Assert.True(pool.Spec.ServiceAllocation.NamespaceSelectors![0].Matches(new Dictionary<string, string> { ["team"] = "web" }));
        Assert.True(pool.Spec.ServiceAllocation.ServiceSelectors![0].Matches(new Dictionary<string, string> { ["tier"] = "edge" }));
        Assert.Equal("default", Assert.Single(set.Snapshot.L2Advertisements).Metadata.Namespace);
        Assert.Equal(["eth0"], set.Snapshot.L2Advertisements[0].Spec!.Interfaces!);
        Assert.Equal(100, Assert.Single(set.Snapshot.BGPAdvertisements).Spec!.LocalPref);
        var service = Assert.Single(set.Snapshot.Services);
        Assert.Equal(["IPv6", "IPv4"], service.Spec!.IpFamilies!);
        Assert.Equal("PreferDualStack", service.Spec.IpFamilyPolicy);
        Assert.Equal("test.yaml, document 2", set.Sources[new ObjectRef("IPAddressPool", "metallb-system", "public")]);
        Assert.Equal("test.yaml, document 1", set.Sources[new ObjectRef("Namespace", null, "shop")]);
    }

    [Fact]
    public void Build_DuplicateAcrossFiles_KeepsTheFirst()
    {
        var collector = new ManifestCollector();
        collector.AddText("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: ClusterIP}\n", "one.yaml");
        collector.AddText("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: default}\nspec: {type: NodePort}\n", "two.yaml");
        var set = collector.Build();
        Assert.Equal("ClusterIP", Assert.Single(set.Snapshot.Services).Spec!.Type);
        var duplicate = Assert.Single(set.Diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateObject, duplicate.Code);
        Assert.Equal("two.yaml, document 1", duplicate.Source);
        Assert.Contains("one.yaml, document 1", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_AddsTheSourceToBuildDiagnostics()
    {
        var set = Read("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n");
        var located = set.Locate(new Diagnostic(DiagnosticSeverity.Error, "X", new ObjectRef("Service", "default", "a"), null, "m"));
        Assert.Equal("test.yaml, document 1", located.Source);
    }

    private static ManifestSet Read(string yaml)
    {
        var collector = new ManifestCollector();
        collector.AddText(yaml, "test.yaml");
        return collector.Build();
    }
}
