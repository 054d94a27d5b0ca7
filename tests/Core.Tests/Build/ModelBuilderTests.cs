using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using System.Text.Json;

namespace CloudIngress.Core.Tests.Build;

/// <summary>Behaviour the golden files cannot show: time, options, and what must never be printed.</summary>
public sealed class ModelBuilderTests
{
    private static readonly ClusterSnapshot TlsSnapshot = GoldenCases.Load("tls-offload-sni");

    [Fact]
    public void Build_AfterCertificateExpiry_Warns()
    {
        var model = ModelBuilder.Build(TlsSnapshot, BuildOptions.Default with { Now = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        Assert.Contains(model.Diagnostics, d => d.Code == DiagnosticCodes.CertificateExpired && d.Message.Contains("app-tls", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WithoutClock_DoesNotJudgeExpiry()
    {
        var model = ModelBuilder.Build(TlsSnapshot, BuildOptions.Default);
        Assert.DoesNotContain(model.Diagnostics, d => d.Code == DiagnosticCodes.CertificateExpired);
    }

    [Fact]
    public void Model_NeverPrintsKeyMaterial()
    {
        var model = ModelBuilder.Build(TlsSnapshot);
        var certificate = model.Certificates[0];
        Assert.Contains("PRIVATE KEY", certificate.PrivateKeyPem.Reveal(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", certificate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", model.ToString(), StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(model, ModelJsonContext.Default.GatewayModel);
        Assert.DoesNotContain("PRIVATE KEY", json, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_NeverPrintsPasswordHashes()
    {
        var model = ModelBuilder.Build(GoldenCases.Load("basic-auth-htpasswd"));
        var auth = model.Frontends[0].Listeners[0].VirtualHosts[0].Routes[0].Policy!.BasicAuth!;
        Assert.Equal(3, auth.Users);
        Assert.StartsWith("$2y$", auth.Credentials[0].Hash.Reveal(), StringComparison.Ordinal);
        Assert.DoesNotContain("$2y$", auth.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$2y$", JsonSerializer.Serialize(model, ModelJsonContext.Default.GatewayModel), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CustomClassName_SelectsOnlyThatClass()
    {
        var snapshot = new ClusterSnapshot
        {
            Ingresses =
            [
                TestObjects.Ingress("a", "edge"),
                TestObjects.Ingress("b", "cloudingress"),
            ],
        };
        var model = ModelBuilder.Build(snapshot, BuildOptions.Default with { IngressClassName = "edge" });
        Assert.Equal([new ObjectRef("Ingress", "default", "a")], Assert.Single(model.Frontends).Members);
    }

    [Fact]
    public void Build_ClasslessServicesWhenConfigured_AreOurs()
    {
        var service = new Service
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = "default" },
            Spec = new ServiceSpec { Type = "LoadBalancer", Ports = [new ServicePort { Port = 5432 }] },
        };
        var snapshot = new ClusterSnapshot { Services = [service] };
        Assert.Empty(ModelBuilder.Build(snapshot).Frontends);
        var frontend = Assert.Single(ModelBuilder.Build(snapshot, BuildOptions.Default with { HandleServicesWithoutClass = true }).Frontends);
        Assert.Equal("service/default/db", frontend.Id);
    }

    [Fact]
    public void Build_EmptySnapshot_GivesEmptyModel()
    {
        var model = ModelBuilder.Build(ClusterSnapshot.Empty);
        Assert.Empty(model.Frontends);
        Assert.Empty(model.Diagnostics);
        Assert.False(model.HasErrors);
    }
}
