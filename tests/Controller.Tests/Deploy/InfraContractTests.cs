using CloudIngress.Providers.Aws.Naming;
using CloudIngress.Tests;
using System.Text.Json.Nodes;

namespace CloudIngress.Controller.Tests.Deploy;

/// <summary>
/// What infra/ (TypeScript) must agree on with the controller. The EKS stack writes the IAM policy
/// for names <c>ci-&lt;part&gt;-*</c>; infra/test/fixtures/aws-cluster-name-parts.json holds the
/// cases both sides are tested against, so a change to <see cref="AwsNames"/> that the stack's port
/// does not follow fails here instead of as AccessDenied in a cluster.
/// </summary>
public sealed class InfraContractTests
{
    [Fact]
    public void LoadBalancerAndTargetGroupNames_StartWithTheClusterPartTheStackGrants()
    {
        var fixture = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("infra", "test", "fixtures", "aws-cluster-name-parts.json")))!;
        var cases = fixture["cases"]!.AsArray();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var (cluster, part) = ((string)c!["cluster"]!, (string)c["part"]!);
            Assert.StartsWith($"ci-{part}-", AwsNames.LoadBalancer(cluster, "ingress/shop"), StringComparison.Ordinal);
            Assert.StartsWith($"ci-{part}-", AwsNames.TargetGroup(cluster, "pool/default/shop/80"), StringComparison.Ordinal);
        }
    }
}
