using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Tests;
using System.Net;
using System.Text.Json;

namespace CloudIngress.Proxy.Tests;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task AccessLog_OneJsonLinePerRequest_MetricsCountAndTime()
    {
        await using var web = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(Manifests.Service("web", web.Port) + Manifests.Ingress("web", "app.example.com", "web"));
        using var client = proxy.Client();
        using (await client.GetAsync("http://app.example.com/bytes/1000?x=1")) { }
        using (await client.GetAsync("http://app.example.com/status/503")) { }
        using (await client.GetAsync("http://nowhere.example.com/")) { }

        var lines = await WaitForLines(proxy, 3);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("GET", first.GetProperty("method").GetString());
        Assert.Equal("app.example.com", first.GetProperty("host").GetString());
        Assert.Equal("/bytes/1000", first.GetProperty("path").GetString());
        Assert.Equal(200, first.GetProperty("status").GetInt32());
        Assert.Equal("default/web:0:0", first.GetProperty("route").GetString());
        Assert.Equal($"127.0.0.1:{web.Port}", first.GetProperty("upstream").GetString());
        Assert.Equal(1000, first.GetProperty("bytes_sent").GetInt64());
        Assert.True(first.GetProperty("duration_ms").GetDouble() > 0);
        Assert.Equal("127.0.0.1", first.GetProperty("client").GetString());
        Assert.Equal(404, JsonDocument.Parse(lines[2]).RootElement.GetProperty("status").GetInt32());

        using var admin = new HttpClient();
        var metrics = await admin.GetStringAsync(proxy.AdminUrl("/metrics"));
        Assert.Contains("cloudingress_requests_total{route=\"default/web:0:0\",host=\"app.example.com\",code=\"2xx\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_requests_total{route=\"default/web:0:0\",host=\"app.example.com\",code=\"5xx\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_requests_total{route=\"default\",host=\"*\",code=\"4xx\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_request_duration_seconds_bucket{route=\"default/web:0:0\",host=\"app.example.com\",le=\"+Inf\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_request_duration_seconds_count{route=\"default/web:0:0\",host=\"app.example.com\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_backend_endpoints{backend=\"default/web:80\",state=\"healthy\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("cloudingress_config_reloads_total{result=\"success\"} 1", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(proxy.AdminUrl("/healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(proxy.AdminUrl("/nope"))).StatusCode);
    }

    private static async Task<string[]> WaitForLines(ProxyHarness proxy, int count)
    {
        string[] Lines() => proxy.AccessLog.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Eventually.Until(() => Lines().Length >= count, TimeSpan.FromSeconds(2), "access log lines");
        return Lines();
    }
}
