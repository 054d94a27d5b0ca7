using CloudIngress.Controller.Cli;
using System.Text.Json;

namespace CloudIngress.Controller.Tests.Providers;

/// <summary><c>plan --provider metallb</c> through the real command line: the assignments JSON, exit codes, and the pools file.</summary>
public sealed class MetalLbVerbTests : IDisposable
{
    private const string Pools = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: public, namespace: metallb-system}
        spec: {addresses: [10.0.0.0/31]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: l2, namespace: metallb-system}
        """;

    private const string Services = """
        apiVersion: v1
        kind: Service
        metadata: {name: dns, namespace: infra, annotations: {metallb.universe.tf/allow-shared-ip: dns}}
        spec: {type: LoadBalancer, ports: [{port: 53, protocol: UDP}]}
        status: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {type: LoadBalancer, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: lb, namespace: shop}
        spec: {type: LoadBalancer, loadBalancerClass: cloudingress.io/lb, ports: [{port: 5432}]}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("cloudingress-metallb-").FullName;

    [Fact]
    public async Task Plan_Json_OneAssignmentPerMetalLbService_ExitZeroWithWarningsOnly()
    {
        Write("pools.yaml", Pools);
        Write("services.yaml", Services);
        var (code, output, error) = await Run("plan", "--provider", "metallb", "--manifests", _dir, "--output", "json");
        Assert.True(code == ExitCodes.Ok, error + output);
        using var json = JsonDocument.Parse(output);
        var assignments = json.RootElement.GetProperty("assignments").EnumerateArray()
            .Select(a => $"{a.GetProperty("namespace").GetString()}/{a.GetProperty("name").GetString()} {a.GetProperty("pool").GetString()} {string.Join(",", a.GetProperty("addresses").EnumerateArray().Select(x => x.GetString()))}")
            .ToList();
        Assert.Equal(["infra/dns public 10.0.0.1", "shop/web public 10.0.0.0"], assignments);
        var deprecated = json.RootElement.GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("code").GetString() == "DeprecatedAnnotation");
        Assert.Equal("Warning", deprecated.GetProperty("severity").GetString());
        Assert.StartsWith("deprecated", deprecated.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_AServiceLeftPending_ExitsOneNamingItAndWhy()
    {
        Write("pools.yaml", Pools);
        Write("services.yaml", Services + """

            ---
            apiVersion: v1
            kind: Service
            metadata: {name: late, namespace: shop}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            """);
        var (code, output, _) = await Run("plan", "--provider", "metallb", "--manifests", _dir);
        Assert.Equal(ExitCodes.ObjectErrors, code);
        Assert.Contains("  shop/web: Pending", output, StringComparison.Ordinal);
        Assert.Contains("error AddressPoolExhausted: Service shop/web: stays Pending: pool `public` is exhausted (services.yaml, document 2)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_BrokenPoolsFile_ExitsTwoNamingFileAndField()
    {
        Write("services.yaml", Services);
        var pools = Path.Combine(_dir, "..", Path.GetFileName(_dir) + "-pools.yaml");
        File.WriteAllText(pools, "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: public}\nspec: {addresses: [10.0.0.0/40]}\n");
        try
        {
            var (code, _, error) = await Run("plan", "--provider", "metallb", "--manifests", _dir, "--metallb-config", pools);
            Assert.Equal(ExitCodes.UnusableInput, code);
            Assert.Contains("IPAddressPool metallb-system/public spec.addresses[0]: \"10.0.0.0/40\" is neither a CIDR nor a range a-b", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pools);
        }
    }

    [Fact]
    public async Task Apply_PrintsThePredictedAddressesAndThatOnlyRunWrites()
    {
        Write("pools.yaml", Pools);
        Write("ingress.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: shop, namespace: shop}
            spec:
              ingressClassName: cloudingress
              rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            """);
        var (code, output, error) = await Run("apply", "--provider", "metallb", "--manifests", _dir);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("ingress/default: 10.0.0.0", output, StringComparison.Ordinal);
        Assert.Contains("writes to the cluster only in `run`", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheMetalLbProvider()
    {
        var (_, output, _) = await Run("plan", "--help");
        Assert.Contains("metallb (bare metal", output, StringComparison.Ordinal);
        Assert.Contains("--metallb-config", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CloudIngressCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
