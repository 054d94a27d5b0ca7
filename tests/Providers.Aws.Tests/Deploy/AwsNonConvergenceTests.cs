using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
using CloudIngress.Providers.Aws.Translate;
using static CloudIngress.Providers.Aws.Tests.Models;

namespace CloudIngress.Providers.Aws.Tests.Deploy;

public sealed class AwsNonConvergenceTests
{
    private static readonly AwsPlan Plan = AwsTranslator.Translate(
        Build(Ingress("a", $"[{Rule("a.example.com", ("/", "Prefix", "web"))}]", tls: "[{hosts: [a.example.com], secretName: app-tls}]") +
            Ingress("b", $"[{Rule("b.example.com", ("/", "Prefix", "web"))}]", created: "2026-01-02T00:00:00Z")),
        new AwsTranslateOptions { ClusterName = "prod" });

    private static readonly ObjectRef A = new("Ingress", "default", "a");
    private static readonly ObjectRef B = new("Ingress", "default", "b");

    [Fact]
    public void Repeated_IsWhatAFullPassMadeAndTheNextReadAskedForAgain_WithTheMembersOfItsLoadBalancer()
    {
        var tg = Plan.TargetGroups.Single();
        var sg = Plan.SecurityGroups.Single();
        var health = new ModifyTargetGroup(tg.Key, tg.HealthCheck) { Changes = [new AwsFieldChange("HealthCheckPath", "/", "")] };
        var certificate = new ImportCertificate(Plan.Certificates.Single(), "arn:cert");
        var fixedOnce = new AuthorizeIngress(sg.Key, [.. sg.Ingress]) { Changes = [new AwsFieldChange("IpPermissions", "[tcp/80]", AwsFieldChange.Absent)] };

        var repeated = AwsNonConvergence.Repeated([health, certificate], [health, certificate, fixedOnce], Plan);

        Assert.Equal(
            [$"ModifyTargetGroup {tg.Key} HealthCheckPath: desired /, observed ", $"ImportCertificate {Plan.Certificates.Single().Key} resource {certificate.Subject}: desired present, observed (absent)"],
            repeated.Select(r => r.ToString()));
        Assert.All(repeated, r => Assert.Equal([A, B], r.Members));
        Assert.Empty(AwsNonConvergence.Repeated([health], [certificate], Plan));
    }

    [Fact]
    public void Diagnostics_AreOneCloudNotConvergingErrorPerMember_ListingWhatAWSDidNotKeep()
    {
        var tg = Plan.TargetGroups.Single();
        var ops = Enumerable.Range(0, 7).Select(i => new ModifyTargetGroup(tg.Key, tg.HealthCheck) { Changes = [new AwsFieldChange($"Field{i}", "x", "y")] }).ToList();
        var orphan = new DeleteTargetGroup("arn:old", "tg/gone");
        var repeated = AwsNonConvergence.Repeated([.. ops, orphan], [.. ops, orphan], Plan);

        var diagnostics = AwsNonConvergence.Diagnostics(repeated, 5);

        Assert.Equal([A, B], diagnostics.Select(d => d.Object));
        Assert.All(diagnostics, d => Assert.Equal((DiagnosticSeverity.Error, DiagnosticCodes.CloudNotConverging), (d.Severity, d.Code)));
        Assert.Contains($"ModifyTargetGroup {tg.Key} Field0: desired x, observed y", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("and 2 more", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(repeated, r => r.Operation == orphan).Members);
    }
}
