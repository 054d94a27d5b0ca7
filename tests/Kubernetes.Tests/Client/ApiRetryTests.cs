using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Tests;
using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;
using System.Net.Http.Headers;

namespace CloudIngress.Kubernetes.Tests.Client;

/// <summary>The client built by <see cref="ClusterConnection"/> against the emulator's injected throttling and failures, on a clock moved by hand.</summary>
public sealed class ApiRetryTests : IAsyncLifetime
{
    private readonly TestClock _clock = new();
    private KubernetesApiEmulator _api = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _client = new ClusterConnection(new KubernetesClientConfiguration { Host = _api.Url.ToString() }, "test").CreateClient(time: _clock);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Throttled_List_WaitsWhatRetryAfterSays_ThenSucceeds()
    {
        _api.Faults.FailNext(2, 429, "/services", retryAfter: TimeSpan.FromSeconds(3));
        var list = await Drive(_client.CoreV1.ListNamespacedServiceAsync("default"));
        Assert.Empty(list.Items);
        Assert.Equal(2, _api.Faults.Served);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], _clock.Requested);
    }

    [Fact]
    public async Task ServerError_OnARead_IsTriedAgain_WithBackoff()
    {
        _api.Faults.FailNext(2, 503, "/services");
        await Drive(_client.CoreV1.ListNamespacedServiceAsync("default"));
        Assert.Equal(2, _api.Faults.Served);
        Assert.Collection(_clock.Requested,
            first => Assert.InRange(first, ApiRetry.FirstDelay * 0.5, ApiRetry.FirstDelay * 1.5),
            second => Assert.InRange(second, ApiRetry.FirstDelay, ApiRetry.FirstDelay * 3));
    }

    [Fact]
    public async Task ServerError_OnServerSideApply_IsTriedAgain_AndApplies()
    {
        _api.Faults.FailNext(1, 500, "/services/web");
        var patch = new V1Patch("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""", V1Patch.PatchType.ApplyPatch);
        await Drive(_client.CoreV1.PatchNamespacedServiceAsync(patch, "web", "default", fieldManager: "cloudingress", force: true));
        Assert.Equal(1, _api.Faults.Served);
        Assert.Equal(80, (await _client.CoreV1.ReadNamespacedServiceAsync("web", "default")).Spec.Ports.Single().Port);
    }

    [Fact]
    public async Task ServerError_OnACreate_IsNotTriedAgain_ButThrottlingIs()
    {
        var service = new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } };
        _api.Faults.FailNext(1, 500, "/services");
        var failed = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedServiceAsync(service, "default"));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Response.StatusCode);
        Assert.Empty(_clock.Requested);

        _api.Faults.FailNext(1, 429, "/services", retryAfter: TimeSpan.FromSeconds(1));
        await Drive(_client.CoreV1.CreateNamespacedServiceAsync(service, "default"));
        Assert.Equal([TimeSpan.FromSeconds(1)], _clock.Requested);
        Assert.Equal(2, _api.Faults.Served);
    }

    [Fact]
    public async Task AServerThatKeepsFailing_IsGivenUpOn_AfterTheLastRetry()
    {
        _api.Faults.FailNext(ApiRetry.MaxRetries + 5, 503, "/services");
        var failed = await Assert.ThrowsAsync<HttpOperationException>(() => Drive(_client.CoreV1.ListNamespacedServiceAsync("default")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Response.StatusCode);
        Assert.Equal(ApiRetry.MaxRetries + 1, _api.Faults.Served);
        Assert.Equal(ApiRetry.MaxRetries, _clock.Requested.Count);
    }

    [Fact]
    public async Task AThrottledWatch_IsOpenedOnceTheServerLetsIt()
    {
        _api.Faults.FailNext(1, 429, "/services", retryAfter: TimeSpan.FromSeconds(2));
        using var stop = new CancellationTokenSource();
        var events = _client.CoreV1.WatchListNamespacedServiceAsync("default", cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
        var first = events.MoveNextAsync().AsTask();
        await Eventually.Until(() => _clock.Waiting > 0, what: "the watch waiting out Retry-After");
        Assert.Equal([TimeSpan.FromSeconds(2)], _clock.Requested);
        _clock.AdvanceToNextTimer();
        await Eventually.Until(() => _api.Store.OpenWatches == 1, what: "the watch opened");
        await _client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "default");
        Assert.True(await first);
        Assert.Equal((WatchEventType.Added, "web"), (events.Current.Item1, events.Current.Item2.Metadata.Name));
        await stop.CancelAsync();
        await events.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", null, 503, true)]
    [InlineData("GET", null, 500, true)]
    [InlineData("GET", null, 501, false)]
    [InlineData("GET", null, 404, false)]
    [InlineData("GET", null, 409, false)]
    [InlineData("POST", "application/json", 429, true)]
    [InlineData("POST", "application/json", 503, false)]
    [InlineData("PUT", "application/json", 502, false)]
    [InlineData("DELETE", null, 500, false)]
    [InlineData("PATCH", "application/apply-patch+yaml", 504, true)]
    [InlineData("PATCH", "application/merge-patch+json", 503, true)]
    [InlineData("PATCH", "application/json-patch+json", 503, false)]
    public void WhatIsTriedAgain(string method, string? contentType, int status, bool retried) =>
        Assert.Equal(retried, ApiRetry.ShouldRetry(new HttpMethod(method), contentType, (HttpStatusCode)status));

    [Fact]
    public void Delay_FollowsRetryAfter_AsSecondsOrADate_Capped_ElseBacksOff()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(7), ApiRetry.Delay(0, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now, 0.9));
        Assert.Equal(TimeSpan.FromSeconds(4), ApiRetry.Delay(3, new RetryConditionHeaderValue(now.AddSeconds(4)), now, 0.1));
        Assert.Equal(TimeSpan.Zero, ApiRetry.Delay(0, new RetryConditionHeaderValue(now.AddSeconds(-4)), now, 0.1));
        Assert.Equal(ApiRetry.MaxDelay, ApiRetry.Delay(0, new RetryConditionHeaderValue(TimeSpan.FromHours(1)), now, 0.5));
        Assert.Equal(ApiRetry.FirstDelay * 4, ApiRetry.Delay(2, null, now, 0.5));
        Assert.Equal(ApiRetry.FirstDelay * 0.5, ApiRetry.Delay(0, null, now, 0));
        Assert.Equal(ApiRetry.MaxDelay, ApiRetry.Delay(30, null, now, 0.5));
    }

    /// <summary>Runs <paramref name="call"/>, moving the clock on whenever the client waits, until it completes.</summary>
    private async Task<T> Drive<T>(Task<T> call)
    {
        while (true)
        {
            await Eventually.Until(() => call.IsCompleted || _clock.Waiting > 0, what: "the request answered or waiting to be tried again");
            if (call.IsCompleted)
            {
                return await call;
            }

            _clock.AdvanceToNextTimer();
        }
    }
}
