using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Providers.MetalLb;
using CloudIngress.Tests;
using k8s;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.EndToEnd.Tests;

/// <summary>
/// <c>run --provider metallb</c> against the emulated API server with a MetalLB stand-in: objects
/// applied with kubectl, the owned Services written by the controller, addresses written by the
/// stand-in and published on the Ingresses and L4 Services, traffic through the proxy on 127.0.0.1.
/// The controller runs as deploy/'s ServiceAccount, held to the RBAC of deploy/ and
/// deploy/bare-metal/ (what a bare-metal install applies): a request those rules refuse fails the
/// test, so the provider cannot start calling something the manifests do not grant.
/// </summary>
public sealed class MetalLbEndToEndTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);
    private const string ControllerToken = "cloudingress-serviceaccount-token";
    private readonly ILoggerFactory _loggers = LoggerFactory.Create(b => b.AddProvider(new TestLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
    private ClusterHarness _cluster = null!;
    private MetalLbStandIn _metallb = null!;

    public async Task InitializeAsync()
    {
        var security = new EmulatorSecurity(ControllerToken);
        security.Authorizers[ControllerToken] = BareMetalRbac();
        _cluster = await ClusterHarness.StartAsync(_loggers, security, ControllerToken);
        _cluster.Api.Store.EnsureNamespace("cloudingress");
        _cluster.Api.Store.EnsureNamespace("metallb-system");
        _cluster.Api.Store.EnsureNamespace("infra");
        _metallb = new MetalLbStandIn(_cluster.Api.Store);
    }

    public async Task DisposeAsync()
    {
        var forbidden = _cluster.Api.Forbidden.ToList();
        await _cluster.DisposeAsync();
        await _metallb.DisposeAsync();
        _loggers.Dispose();
        Assert.True(forbidden.Count == 0, "RBAC of deploy/ and deploy/bare-metal/ refused the controller:\n" + string.Join('\n', forbidden.Distinct()));
    }

    /// <summary>The rules deploy/ and deploy/bare-metal/ give deploy/'s ServiceAccount.</summary>
    private static RbacAuthorizer BareMetalRbac()
    {
        var objects = new[] { RepoPaths.Of("deploy"), RepoPaths.Of("deploy", "bare-metal") }
            .SelectMany(d => Directory.GetFiles(d, "*.yaml").Order(StringComparer.Ordinal))
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f)))
            .Select(o => System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject()).ToList();
        var account = objects.Single(o => (string?)o["kind"] == "ServiceAccount")["metadata"]!;
        return RbacAuthorizer.ForServiceAccount((string)account["namespace"]!, (string)account["name"]!, objects);
    }

    [Fact]
    public async Task IngressAndL4Service_GetTheAddressesMetalLbGave_AndCarryHttpTlsAndTcp()
    {
        var web = await _cluster.StartBackendAsync("web");
        await using var echo = new TcpEchoBackend();
        var l4Port = ClusterHarness.FreePort();
        var replica = await StartAsync("solo");
        var (certificate, key) = SelfSigned("shop.example");
        await _cluster.ApplyAsync(Pool("public", "10.0.0.0/30") + Backend("web", web) + $$"""
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: shop-tls, namespace: default}
            type: kubernetes.io/tls
            data: {tls.crt: {{Base64(certificate)}}, tls.key: {{Base64(key)}}}
            """ + Ingress("shop", tls: true));

        await Eventually.Until(async () => await AddressAsync("cloudingress", "service", "cloudingress-proxy") == "10.0.0.0", Soon, "MetalLB addressed the owned Service");
        await Eventually.Until(async () => await AddressAsync("default", "ingress", "shop") == "10.0.0.0", Soon, "the Ingress shows the address MetalLB gave");
        Assert.Equal("web /cart", (await replica.GetAsync("shop.example", "/cart")).Body);
        Assert.Equal("web /tls", await HttpsAsync(replica, "shop.example", "/tls"));

        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: default}
            spec: {type: LoadBalancer, loadBalancerClass: cloudingress.io/lb, ports: [{name: pg, port: {{{l4Port}}}}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            endpoints: [{addresses: ["127.0.0.1"]}]
            ports: [{name: pg, port: {{{echo.Port}}}}]
            """);
        // One address for many services: the L4 Service's port joins the shared Service, and its status shows that address.
        await Eventually.Until(async () => (await _cluster.KubectlAsync(null, "get", "service", "cloudingress-proxy", "-n", "cloudingress", "-o", "jsonpath={.spec.ports[*].port}"))
            .Split(' ').Contains(l4Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), Soon, "the L4 port on the shared Service");
        await Eventually.Until(async () => await AddressAsync("default", "service", "db") == "10.0.0.0", Soon, "the L4 Service shows the shared address");
        await Eventually.Until(async () => await EchoAsync(l4Port, "ping") == "ping", Soon, "TCP through the proxy");

        // Nothing served any more: the owned Service is deleted.
        await _cluster.KubectlAsync(null, "delete", "ingress", "shop", "-n", "default");
        await _cluster.KubectlAsync(null, "delete", "service", "db", "-n", "default");
        await Eventually.Until(async () => await _cluster.KubectlAsync(null, "get", "service", "-n", "cloudingress", "--ignore-not-found", "-o", "name") == string.Empty,
            Soon, "the owned Service deleted");
    }

    [Fact]
    public async Task PoolExhausted_AddressOutsideEveryPool_SharingClash_AreEventsOnTheService_AndNothingIsPublished()
    {
        await StartAsync("solo");
        await _cluster.ApplyAsync(Pool("tiny", "10.0.1.0/32") + """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: dns, namespace: infra, annotations: {metallb.io/allow-shared-ip: dns}}
            spec: {type: LoadBalancer, ports: [{name: dns, port: 53}]}
            """);
        await Eventually.Until(async () => await AddressAsync("infra", "service", "dns") == "10.0.1.0", Soon, "dns holds the only address");

        await _cluster.ApplyAsync(Backend("web", 9) + Ingress("shop") + """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: outside, namespace: infra, annotations: {metallb.io/loadBalancerIPs: 10.9.9.9}}
            spec: {type: LoadBalancer, ports: [{name: http, port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: dns2, namespace: infra, annotations: {metallb.io/loadBalancerIPs: 10.0.1.0, metallb.io/allow-shared-ip: other}}
            spec: {type: LoadBalancer, ports: [{name: dns, port: 5353}]}
            """);

        await EventAsync("cloudingress", "cloudingress-proxy", "AddressPoolExhausted", "pool `tiny` is exhausted");
        await EventAsync("infra", "outside", "AddressNotInPool", "10.9.9.9 is in no pool");
        await EventAsync("infra", "dns2", "AddressSharingConflict", "infra/dns");
        Assert.Equal(string.Empty, await AddressAsync("default", "ingress", "shop"));
        Assert.Equal(string.Empty, await AddressAsync("cloudingress", "service", "cloudingress-proxy"));
    }

    [Fact]
    public async Task Restart_ReplaysWhatStatusHolds_ADeletedServicesAddressIsReused_AndADeletedPoolUnpublishes()
    {
        var replica = await StartAsync("first");
        await _cluster.ApplyAsync(Pool("a", "10.0.2.0/31") + Backend("web", 9) + Ingress("shop") + """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: first, namespace: infra}
            spec: {type: LoadBalancer, ports: [{name: http, port: 80}]}
            """);
        await Eventually.Until(async () => await AddressAsync("default", "ingress", "shop") is "10.0.2.0" or "10.0.2.1", Soon, "the Ingress is published");
        var proxy = await AddressAsync("cloudingress", "service", "cloudingress-proxy");
        var other = await AddressAsync("infra", "service", "first");
        Assert.NotEqual(proxy, other);
        var version = await VersionAsync();

        await replica.StopAsync();
        var restarted = await StartAsync("second");
        await Eventually.Until(() => restarted.Controller.Reconciler?.Passes >= 1, Soon, "the restarted controller reconciled (its first pass is a full apply: it leads from the start)");
        Assert.Equal(version, await VersionAsync()); // nothing written: the owned Service stays as it was
        Assert.Equal(proxy, await AddressAsync("default", "ingress", "shop"));

        await _cluster.KubectlAsync(null, "delete", "service", "first", "-n", "infra");
        await _cluster.ApplyAsync("""
            apiVersion: v1
            kind: Service
            metadata: {name: later, namespace: infra}
            spec: {type: LoadBalancer, ports: [{name: http, port: 80}]}
            """);
        await Eventually.Until(async () => await AddressAsync("infra", "service", "later") == other, Soon, "the deleted Service's address is free again and the later one gets it");

        await _cluster.KubectlAsync(null, "delete", "ipaddresspool", "a", "-n", "metallb-system");
        await Eventually.Until(async () => await AddressAsync("default", "ingress", "shop") == string.Empty, Soon, "no address is published once MetalLB took it back");
        await EventAsync("cloudingress", "cloudingress-proxy", "NoAddressPool", "there is no IPAddressPool");
    }

    [Fact]
    public async Task PoolsAsCode_AreAppliedWithTheOwnerLabel_DeletedWhenNoLongerDeclared_AndObjectsWeDoNotOwnAreRefusedAndLeftAlone()
    {
        await _cluster.ApplyAsync(Pool("taken", "10.0.3.0/31") + """
            apiVersion: v1
            kind: Service
            metadata: {name: cloudingress-proxy, namespace: cloudingress}
            spec: {type: ClusterIP, ports: [{name: other, port: 8080}]}
            """);
        var config = Path.Combine(_cluster.Directory, "pools.yaml");
        var pools = Pool("code", "10.0.4.0/31") + Pool("taken", "10.0.5.0/31").Replace("name: all", "name: code", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, pools + """
            apiVersion: metallb.io/v1beta1
            kind: BGPAdvertisement
            metadata: {name: upstream, namespace: metallb-system}
            spec: {ipAddressPools: [code]}
            """);
        var first = await _cluster.StartReplicaAsync("first", elect: false, definition: new MetalLbProviderDefinition(),
            flags: new Dictionary<string, string> { ["--metallb-config"] = config });
        await _cluster.ApplyAsync(Backend("web", 9) + Ingress("shop"));

        await Eventually.Until(async () => await _cluster.KubectlAsync(null, "get", "ipaddresspool", "code", "-n", "metallb-system", "--ignore-not-found",
            "-o", "jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}") == "cloudingress", Soon, "the declared pool applied with the owner label");
        await Eventually.Until(async () => await _cluster.KubectlAsync(null, "get", "bgpadvertisement", "upstream", "-n", "metallb-system", "--ignore-not-found",
            "-o", "jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}") == "cloudingress", Soon, "the declared advertisement applied with the owner label");
        await EventAsync("cloudingress", "cloudingress-proxy", "ExposureServiceNotOwned", "does not take over a Service it does not own");
        Assert.Equal("8080", await _cluster.KubectlAsync(null, "get", "service", "cloudingress-proxy", "-n", "cloudingress", "-o", "jsonpath={.spec.ports[*].port}"));
        Assert.Equal("10.0.3.0/31", await _cluster.KubectlAsync(null, "get", "ipaddresspool", "taken", "-n", "metallb-system", "-o", "jsonpath={.spec.addresses[*]}"));
        Assert.Equal(string.Empty, await AddressAsync("default", "ingress", "shop"));

        // Taken out of the configuration: the owned advertisement is deleted, the pool we do not own stays.
        await first.StopAsync();
        await File.WriteAllTextAsync(config, pools);
        await _cluster.StartReplicaAsync("second", elect: false, definition: new MetalLbProviderDefinition(),
            flags: new Dictionary<string, string> { ["--metallb-config"] = config });
        await Eventually.Until(async () => await _cluster.KubectlAsync(null, "get", "bgpadvertisement", "-n", "metallb-system", "--ignore-not-found", "-o", "name") == string.Empty,
            Soon, "the advertisement no longer declared deleted");
        Assert.Equal("10.0.3.0/31", await _cluster.KubectlAsync(null, "get", "ipaddresspool", "taken", "-n", "metallb-system", "-o", "jsonpath={.spec.addresses[*]}"));
    }

    [Fact]
    public async Task RunCommand_WithProviderMetalLb_WritesTheProxyServiceAndPublishesTheAddressMetalLbGave()
    {
        var web = await _cluster.StartBackendAsync("web");
        var (http, https, admin) = RunFlow.Ports();
        using var stop = new CancellationTokenSource();
        var run = Controller.Cli.CloudIngressCli.RunAsync(
            ["run", "--kubeconfig", _cluster.ControllerKubeconfig, "--provider", "metallb", "--metallb-external-traffic-policy", "Cluster", "--no-leader-election", "--access-log=off",
             $"--http-port={http}", $"--https-port={https}", $"--admin-port={admin}", "--shutdown-timeout=1"],
            TextWriter.Null, TextWriter.Null, stop.Token);
        await _cluster.ApplyAsync(Pool("public", "10.0.6.0/31") + Backend("web", web) + Ingress("shop"));

        await Eventually.Until(async () => await AddressAsync("default", "ingress", "shop") == "10.0.6.0", Soon, "the Ingress shows the address MetalLB gave");
        Assert.Equal("Cluster", await _cluster.KubectlAsync(null, "get", "service", "cloudingress-proxy", "-n", "cloudingress", "-o", "jsonpath={.spec.externalTrafficPolicy}"));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{http}/cli") { Headers = { Host = "shop.example" } };
        Assert.Equal("web /cli", await (await client.SendAsync(request)).Content.ReadAsStringAsync());
        await stop.CancelAsync();
        Assert.Equal(Controller.Cli.ExitCodes.Ok, await run.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    private Task<Replica> StartAsync(string identity) =>
        _cluster.StartReplicaAsync(identity, elect: false, definition: new MetalLbProviderDefinition());

    private async Task<string> AddressAsync(string ns, string kind, string name) =>
        await _cluster.KubectlAsync(null, "get", kind, name, "-n", ns, "--ignore-not-found", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}");

    private async Task<string> VersionAsync() =>
        await _cluster.KubectlAsync(null, "get", "service", "cloudingress-proxy", "-n", "cloudingress", "-o", "jsonpath={.metadata.resourceVersion}");

    private async Task EventAsync(string ns, string involved, string reason, string message) =>
        await Eventually.Until(async () => (await _cluster.Client.CoreV1.ListNamespacedEventAsync(ns)).Items
            .Any(e => e.InvolvedObject.Name == involved && e.Reason == reason && e.Message.Contains(message, StringComparison.Ordinal)),
            Soon, $"Event {reason} on {ns}/{involved}");

    private static string Pool(string name, string addresses) => $$"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: {{name}}, namespace: metallb-system}
        spec: {addresses: ["{{addresses}}"]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: all, namespace: metallb-system}
        ---

        """;

    private static string Backend(string name, int port) => $$$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{{name}}}, namespace: default}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: {{{name}}}-1, namespace: default, labels: {kubernetes.io/service-name: {{{name}}}}}
        addressType: IPv4
        endpoints: [{addresses: ["127.0.0.1"]}]
        ports: [{name: http, port: {{{port}}}}]
        ---

        """;

    /// <summary>A document of its own wherever it is put: separators on both sides.</summary>
    private static string Ingress(string name, bool tls = false) => "\n---\n" + $$$"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: {{{name}}}, namespace: default}
        spec:
          ingressClassName: cloudingress
          {{{(tls ? $"tls: [{{hosts: [{name}.example], secretName: {name}-tls}}]" : string.Empty)}}}
          rules:
          - host: {{{name}}}.example
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80} } } }]}
        """ + "\n---\n";

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));

    private static (string Certificate, string Key) SelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>HTTPS to the proxy on 127.0.0.1 with <paramref name="host"/> as SNI; the certificate must be the one chosen for it.</summary>
    private static async Task<string> HttpsAsync(Replica replica, string host, string path)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, replica.Server.HttpsPort, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject == $"CN={host}" },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        return await client.GetStringAsync($"https://{host}{path}");
    }

    private static async Task<string> EchoAsync(int port, string text)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
            var buffer = new byte[text.Length];
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read)) is var n and > 0)
            {
                read += n;
            }

            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (SocketException)
        {
            return string.Empty; // not listening yet
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
