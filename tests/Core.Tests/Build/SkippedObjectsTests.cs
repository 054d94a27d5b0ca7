using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Tests.Build;

/// <summary>What <c>plan</c> says about objects it skipped: each case names the reason and the fix.</summary>
public sealed class SkippedObjectsTests
{
    private const string OtherController = "k8s.io/ingress-nginx";

    [Fact]
    public void Explain_IngressWithoutClassAndNoDefault_SaysSoAndNamesBothFixes()
    {
        var d = Single(new ClusterSnapshot { Ingresses = [TestObjects.Ingress("shop")] });

        Assert.Equal(new ObjectRef("Ingress", "default", "shop"), d.Object);
        Assert.Equal("spec.ingressClassName", d.Field);
        Assert.Contains("no IngressClass is marked default", d.Message, StringComparison.Ordinal);
        Assert.Contains("set spec.ingressClassName: cloudingress", d.Message, StringComparison.Ordinal);
        Assert.Contains("ingressclass.kubernetes.io/is-default-class: \"true\"", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_IngressNamingAnotherExistingClass_NamesTheClassAndItsController()
    {
        var d = Single(new ClusterSnapshot { Ingresses = [TestObjects.Ingress("shop", "nginx")], IngressClasses = [Class("nginx", OtherController)] });

        Assert.Equal("spec.ingressClassName", d.Field);
        Assert.Contains("IngressClass \"nginx\"", d.Message, StringComparison.Ordinal);
        Assert.Contains(OtherController, d.Message, StringComparison.Ordinal);
        Assert.Contains("set spec.ingressClassName: cloudingress", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_IngressNamingAnUnknownClass_NamesItAndSaysNoIngressClassExists()
    {
        var d = Single(new ClusterSnapshot { Ingresses = [TestObjects.Ingress("shop", "traefik")] });

        Assert.Contains("\"traefik\"", d.Message, StringComparison.Ordinal);
        Assert.Contains("no IngressClass", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_IngressWhoseClassNamesAnotherController_NamesThatController()
    {
        // The class carries our name but another controller's spec.controller: the object decides.
        var d = Single(new ClusterSnapshot
        {
            Ingresses = [TestObjects.Ingress("shop", "cloudingress")],
            IngressClasses = [Class("cloudingress", OtherController), Class("edge", BuildOptions.DefaultControllerName)],
        });

        Assert.Contains(OtherController, d.Message, StringComparison.Ordinal);
        Assert.Contains("set spec.ingressClassName: edge", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_IngressClassWithoutController_SaysItHasNoController()
    {
        var d = Single(new ClusterSnapshot { Ingresses = [TestObjects.Ingress("shop", "orphan")], IngressClasses = [Class("orphan", null)] });

        Assert.Contains("no controller", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_LegacyAnnotationNamingAnotherClass_PointsAtTheAnnotation()
    {
        var ingress = TestObjects.Ingress("shop") with
        {
            Metadata = new ObjectMeta
            {
                Name = "shop",
                Namespace = "default",
                Annotations = new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "nginx" },
            },
        };

        var d = Single(new ClusterSnapshot { Ingresses = [ingress] });

        Assert.Equal("metadata.annotations[kubernetes.io/ingress.class]", d.Field);
        Assert.Contains("\"nginx\"", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_IngressWithoutClassUnderAnotherControllersDefault_NamesTheDefault()
    {
        var d = Single(new ClusterSnapshot { Ingresses = [TestObjects.Ingress("shop")], IngressClasses = [Class("nginx", OtherController, isDefault: true)] });

        Assert.Contains("default IngressClass \"nginx\"", d.Message, StringComparison.Ordinal);
        Assert.Contains(OtherController, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_IngressWithoutClassUnderAmbiguousDefaults_SaysTheDefaultsDisagree()
    {
        var d = Single(new ClusterSnapshot
        {
            Ingresses = [TestObjects.Ingress("shop")],
            IngressClasses = [Class("nginx", OtherController, isDefault: true), Class("edge", BuildOptions.DefaultControllerName, isDefault: true)],
        });

        Assert.Contains("different controllers", d.Message, StringComparison.Ordinal);
        Assert.Contains("set spec.ingressClassName to cloudingress or edge", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ServiceWithAnotherLoadBalancerClass_NamesTheClass()
    {
        var d = Single(new ClusterSnapshot { Services = [LoadBalancer("db", "service.k8s.aws/nlb")] });

        Assert.Equal(new ObjectRef("Service", "default", "db"), d.Object);
        Assert.Equal("spec.loadBalancerClass", d.Field);
        Assert.Contains("\"service.k8s.aws/nlb\"", d.Message, StringComparison.Ordinal);
        Assert.Contains(BuildOptions.DefaultServiceClass, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ServiceWithoutClassWhenNotHandled_NamesOurClass()
    {
        var d = Single(new ClusterSnapshot { Services = [LoadBalancer("db", null)] });

        Assert.Equal("spec.loadBalancerClass", d.Field);
        Assert.Contains($"spec.loadBalancerClass: {BuildOptions.DefaultServiceClass}", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ServiceWithoutClassWhenHandled_IsNotListed()
    {
        var snapshot = new ClusterSnapshot { Services = [LoadBalancer("db", null)] };

        Assert.Empty(SkippedObjects.Explain(snapshot, BuildOptions.Default with { HandleServicesWithoutClass = true }));
    }

    [Fact]
    public void Explain_OursAndNonLoadBalancerServices_AreNotListed()
    {
        var snapshot = new ClusterSnapshot
        {
            Ingresses = [TestObjects.Ingress("by-name", "cloudingress"), TestObjects.Ingress("by-class", "edge"), TestObjects.Ingress("by-default")],
            IngressClasses = [Class("edge", BuildOptions.DefaultControllerName, isDefault: true)],
            Services =
            [
                LoadBalancer("lb", BuildOptions.DefaultServiceClass),
                new Service { Metadata = new ObjectMeta { Name = "web", Namespace = "default" }, Spec = new ServiceSpec { Type = "ClusterIP" } },
            ],
        };

        Assert.Empty(SkippedObjects.Explain(snapshot));
    }

    [Fact]
    public void Explain_CustomOptions_JudgeByThem()
    {
        var snapshot = new ClusterSnapshot { Ingresses = [TestObjects.Ingress("a", "edge"), TestObjects.Ingress("b", "cloudingress")] };

        var d = Assert.Single(SkippedObjects.Explain(snapshot, BuildOptions.Default with { IngressClassName = "edge" }));

        Assert.Equal(new ObjectRef("Ingress", "default", "b"), d.Object);
        Assert.Contains("set spec.ingressClassName: edge", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SnapshotWithObjectsNotOurs_KeepsThemOutOfTheModel()
    {
        // They must never become Events on other controllers' objects.
        var snapshot = new ClusterSnapshot
        {
            Ingresses = [TestObjects.Ingress("shop"), TestObjects.Ingress("blog", "nginx")],
            Services = [LoadBalancer("db", "other/lb")],
        };

        Assert.Equal(3, SkippedObjects.Explain(snapshot).Count);
        var model = ModelBuilder.Build(snapshot);
        Assert.Empty(model.Frontends);
        Assert.Empty(model.Diagnostics);
    }

    [Fact]
    public void Explain_RandomSnapshots_AgreesWithTheBuild()
    {
        // One place decides, so what the build serves is never listed as skipped.
        var listed = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var snapshot = new RandomSnapshots(seed).Next();
            var skipped = SkippedObjects.Explain(snapshot);
            var served = ModelBuilder.Build(snapshot).Frontends.SelectMany(f => f.Members).ToHashSet();

            Assert.All(skipped, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
            Assert.All(skipped, d => Assert.Equal(DiagnosticCodes.NotOurs, d.Code));
            Assert.DoesNotContain(skipped, d => served.Contains(d.Object));
            listed += skipped.Count;
        }

        Assert.True(listed >= 50, $"only {listed} skipped objects in 200 snapshots: the property would hold vacuously");
    }

    private static Diagnostic Single(ClusterSnapshot snapshot)
    {
        var d = Assert.Single(SkippedObjects.Explain(snapshot));
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal(DiagnosticCodes.NotOurs, d.Code);
        return d;
    }

    private static IngressClass Class(string name, string? controller, bool isDefault = false) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Annotations = isDefault ? new Dictionary<string, string> { [IngressClass.IsDefaultClassAnnotation] = "true" } : null,
        },
        Spec = new IngressClassSpec { Controller = controller },
    };

    private static Service LoadBalancer(string name, string? lbClass) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new ServiceSpec { Type = "LoadBalancer", LoadBalancerClass = lbClass, Ports = [new ServicePort { Port = 5432 }] },
    };
}
