using CloudIngress.Controller.Cli;
using CloudIngress.Core.Build;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Tests;
using System.Text.Json.Nodes;

namespace CloudIngress.Controller.Tests.Deploy;

/// <summary>deploy/: every file parses into the kinds the install needs, with the properties we promise.</summary>
public sealed class DeployManifestTests
{
    private static readonly List<JsonObject> Objects = [.. Directory.GetFiles(RepoPaths.Of("deploy"), "*.yaml").Order(StringComparer.Ordinal)
        .SelectMany(f => YamlDocuments.Split(File.ReadAllText(f)).Select(d => YamlDocuments.ToJson(d.Text)))
        .OfType<JsonObject>()];

    [Fact]
    public void Deploy_HoldsExactlyTheInstallKinds()
    {
        var kinds = Objects.Select(o => $"{o["apiVersion"]}/{o["kind"]}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "apps/v1/Deployment", "networking.k8s.io/v1/IngressClass", "policy/v1/PodDisruptionBudget",
                "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
                "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding",
                "v1/Namespace", "v1/Service", "v1/ServiceAccount",
            ], kinds);
        Assert.All(Objects.Where(o => (string?)o["kind"] is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding" or "IngressClass")),
            o => Assert.Equal("cloudingress", (string?)o["metadata"]!["namespace"]));
    }

    [Fact]
    public void Rbac_IsLeastPrivilege()
    {
        var rules = Single("ClusterRole")["rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var granted = rules.SelectMany(r => r["resources"]!.AsArray().SelectMany(res => r["verbs"]!.AsArray().Select(v => $"{res}:{v}"))).ToHashSet();
        Assert.DoesNotContain(granted, g => g.Contains('*', StringComparison.Ordinal));
        foreach (var kind in new[] { "ingresses", "ingressclasses", "services", "endpointslices", "secrets" })
        {
            Assert.Contains($"{kind}:watch", granted);
        }

        Assert.Contains("ingresses/status:patch", granted);
        Assert.Contains("events:create", granted);
        Assert.DoesNotContain(granted, g => g.StartsWith("secrets:", StringComparison.Ordinal) && !g.EndsWith(":get", StringComparison.Ordinal)
            && !g.EndsWith(":list", StringComparison.Ordinal) && !g.EndsWith(":watch", StringComparison.Ordinal));
        Assert.DoesNotContain(granted, g => g.EndsWith(":delete", StringComparison.Ordinal) || g.StartsWith("ingresses:update", StringComparison.Ordinal));

        var leaseRules = Single("Role")["rules"]!.AsArray();
        Assert.All(leaseRules, r => Assert.Equal("leases", (string?)r!["resources"]![0]));
        var binding = Single("ClusterRoleBinding");
        Assert.Equal("cloudingress", (string?)binding["subjects"]![0]!["name"]);
        Assert.Equal((string?)Single("ServiceAccount")["metadata"]!["name"], (string?)Deployment()["serviceAccountName"]);
    }

    [Fact]
    public void Deployment_IsHardened_ProbedAndDrains()
    {
        var spec = Deployment();
        Assert.Equal(2L, (long)Single("Deployment")["spec"]!["replicas"]!);
        Assert.True((bool)spec["securityContext"]!["runAsNonRoot"]!);
        var container = spec["containers"]![0]!;
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
        Assert.Equal("ALL", (string?)container["securityContext"]!["capabilities"]!["drop"]![0]);
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.NotNull(container["lifecycle"]!["preStop"]);
        Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        var grace = (long)spec["terminationGracePeriodSeconds"]!;
        var drain = int.Parse(Arg(container, "--shutdown-timeout")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > drain + (long)container["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!, "the grace period must cover preStop and the drain");
    }

    [Fact]
    public async Task Deployment_Args_AreFlagsOfRun()
    {
        var container = Deployment()["containers"]![0]!;
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("run", args[0]);
        using var output = new StringWriter();
        await CloudIngressCli.RunAsync(["run", "--help"], output, TextWriter.Null);
        foreach (var flag in args.Skip(1).Select(a => a.Split('=')[0]))
        {
            Assert.Contains(flag, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void IngressClass_NamesOurController_AndTheServiceSelectsThePods()
    {
        var ingressClass = Single("IngressClass");
        Assert.Equal(BuildOptions.DefaultControllerName, (string?)ingressClass["spec"]!["controller"]);
        Assert.Equal(BuildOptions.DefaultIngressClassName, (string?)ingressClass["metadata"]!["name"]);
        var labels = Single("Deployment")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        foreach (var (key, value) in Single("Service")["spec"]!["selector"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)labels[key]);
        }

        var publish = Arg(Deployment()["containers"]![0]!, "--publish-service");
        var service = Single("Service")["metadata"]!;
        Assert.Equal($"{service["namespace"]}/{service["name"]}", publish);
    }

    private static JsonObject Single(string kind) => Assert.Single(Objects, o => (string?)o["kind"] == kind);

    private static JsonNode Deployment() => Single("Deployment")["spec"]!["template"]!["spec"]!;

    private static string? Arg(JsonNode container, string flag) =>
        container["args"]!.AsArray().Select(a => (string)a!).FirstOrDefault(a => a.StartsWith(flag + "=", StringComparison.Ordinal))?[(flag.Length + 1)..];
}
