using CloudIngress.Controller.Cluster;
using CloudIngress.Core.Providers;

namespace CloudIngress.Controller.Tests.Cluster;

public sealed class ControllerMetricsTests
{
    [Fact]
    public void CloudCalls_AreOneCounterPerProviderOperationAndMutating_AtTheirLatestCount()
    {
        var metrics = new ControllerMetrics();
        metrics.CloudCalls("aws", [new ApiCall("elasticloadbalancing:DescribeRules", 3, false)]);
        metrics.CloudCalls("aws", [new ApiCall("elasticloadbalancing:RegisterTargets", 2, true), new ApiCall("elasticloadbalancing:DescribeRules", 5, false)]);

        var text = metrics.Render(queueDepth: 0, watchRestarts: 0, leader: true, events: 0);

        Assert.Contains("# TYPE cloudingress_cloud_api_calls_total counter", text, StringComparison.Ordinal);
        Assert.Contains("cloudingress_cloud_api_calls_total{provider=\"aws\",operation=\"elasticloadbalancing:DescribeRules\",mutating=\"false\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("cloudingress_cloud_api_calls_total{provider=\"aws\",operation=\"elasticloadbalancing:RegisterTargets\",mutating=\"true\"} 2\n", text, StringComparison.Ordinal);
        Assert.Equal(text.IndexOf("cloudingress_cloud_api_calls_total{", StringComparison.Ordinal), text.IndexOf("cloudingress_cloud_api_calls_total{provider=\"aws\",operation=\"elasticloadbalancing:DescribeRules\"", StringComparison.Ordinal));
    }

    [Fact]
    public void RenderManifests_HasTheReconcileAndCloudSeries_WithoutTheClusterOnes()
    {
        var metrics = new ControllerMetrics();
        metrics.Reconciled(TimeSpan.FromMilliseconds(20), success: true);
        metrics.CloudCalls("test", [new ApiCall("test:Write", 1, true)]);

        var text = metrics.RenderManifests();

        Assert.Contains("cloudingress_reconcile_total{result=\"success\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("cloudingress_cloud_api_calls_total{provider=\"test\",operation=\"test:Write\",mutating=\"true\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cloudingress_leader", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cloudingress_workqueue_depth", text, StringComparison.Ordinal);
    }
}
