using CloudIngress.Emulators.Kubernetes;
using CloudIngress.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Tests.Emulator;

/// <summary>The emulated API server is strict where the real one is, over its real wire protocol.</summary>
public sealed class KubernetesApiEmulatorTests : IAsyncLifetime
{
    private const string Services = "/api/v1/namespaces/default/services";
    private KubernetesApiEmulator _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiEmulator.StartAsync();
        _api.BookmarkInterval = TimeSpan.FromMilliseconds(200);
        _http = new HttpClient { BaseAddress = _api.Url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task CreateGetList_ResourceVersionsAreMonotonic()
    {
        var a = await Create("a");
        var b = await Create("b");
        Assert.True(Version(b) > Version(a));
        Assert.Equal("Service", (string?)b["kind"]);
        Assert.NotNull(b["metadata"]!["uid"]);
        var list = await Json(await _http.GetAsync(Services));
        Assert.True(Version(list) >= Version(b));
        Assert.Equal(["a", "b"], list["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(Services + "/nope")).StatusCode);
    }

    [Fact]
    public async Task Create_Duplicate_Or_MissingNamespace_IsRefused()
    {
        await Create("a");
        var again = await Send(HttpMethod.Post, Services, Service("a"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("AlreadyExists", (string?)(await Json(again))["reason"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Post, "/api/v1/namespaces/missing/services", Service("a"))).StatusCode);
    }

    [Fact]
    public async Task Update_StaleResourceVersion_Is409_SpecChangeBumpsGeneration()
    {
        var created = await Create("a");
        var fresh = (JsonObject)created.DeepClone();
        fresh["spec"]!["ports"]![0]!["port"] = 81;
        var updated = await Json(await Send(HttpMethod.Put, Services + "/a", fresh));
        Assert.Equal(2, (int)updated["metadata"]!["generation"]!);
        var stale = await Send(HttpMethod.Put, Services + "/a", created); // still carries the first resourceVersion
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Conflict", (string?)(await Json(stale))["reason"]);
    }

    [Fact]
    public async Task Status_OnlyThroughTheSubresource()
    {
        var created = await Create("a");
        var withStatus = (JsonObject)created.DeepClone();
        withStatus["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.0.2.1" }) } };
        var viaMain = await Json(await Send(HttpMethod.Put, Services + "/a", withStatus));
        Assert.Null(viaMain["status"]);
        withStatus["metadata"]!["resourceVersion"] = viaMain["metadata"]!["resourceVersion"]!.DeepClone();
        var viaStatus = await Json(await Send(HttpMethod.Put, Services + "/a/status", withStatus));
        Assert.Equal("192.0.2.1", (string?)viaStatus["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]);
    }

    [Fact]
    public async Task Delete_WithFinalizer_WaitsUntilItIsRemoved()
    {
        var withFinalizer = Service("a");
        withFinalizer["metadata"]!["finalizers"] = new JsonArray("cloudingress.io/finalizer");
        await Send(HttpMethod.Post, Services, withFinalizer);
        await _http.DeleteAsync(Services + "/a");
        var pending = await Json(await _http.GetAsync(Services + "/a"));
        Assert.NotNull(pending["metadata"]!["deletionTimestamp"]);
        var patch = new StringContent("""{"metadata":{"finalizers":null}}""", Encoding.UTF8, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, (await _http.PatchAsync(Services + "/a", patch)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(Services + "/a")).StatusCode);
    }

    [Fact]
    public async Task Watch_StreamsChangesInOrder_WithBookmarks()
    {
        var list = await Json(await _http.GetAsync(Services));
        using var response = await _http.GetAsync($"{Services}?watch=true&allowWatchBookmarks=true&resourceVersion={Version(list)}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var created = await Create("a");
        await _http.DeleteAsync(Services + "/a");
        var types = new List<string>();
        while (types.Count < 3)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            types.Add((string)JsonNode.Parse(line!)!["type"]!);
        }

        Assert.Equal(["ADDED", "DELETED"], types.Where(t => t != "BOOKMARK").Take(2));
        Assert.True(Version(created) > Version(list));
        while (types.Last() != "BOOKMARK")
        {
            types.Add((string)JsonNode.Parse((await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)))!)!["type"]!);
        }
    }

    [Fact]
    public async Task Watch_FromCompactedHistory_IsAnExpiredErrorEvent_DroppedWatchEnds()
    {
        var before = Version(await Create("a"));
        _api.Store.CompactHistory();
        await Create("b");
        // The real server answers 200 and streams one ERROR event with the 410 Status, then ends.
        var gone = await _http.GetAsync($"{Services}?watch=true&resourceVersion={before - 1}");
        Assert.Equal(HttpStatusCode.OK, gone.StatusCode);
        var error = JsonNode.Parse(await gone.Content.ReadAsStringAsync())!;
        Assert.Equal("ERROR", (string?)error["type"]);
        Assert.Equal(410, (int)error["object"]!["code"]!);
        Assert.Equal("Expired", (string?)error["object"]!["reason"]);

        using var response = await _http.GetAsync($"{Services}?watch=true&resourceVersion={_api.Store.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Eventually.Until(() => _api.Store.OpenWatches == 1, what: "the watch registered");
        _api.Store.DropWatches();
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task List_SelectorsAndPagination()
    {
        for (var i = 0; i < 5; i++)
        {
            var service = Service($"s{i}");
            service["metadata"]!["labels"] = new JsonObject { ["tier"] = i % 2 == 0 ? "web" : "db" };
            await Send(HttpMethod.Post, Services, service);
        }

        var web = await Json(await _http.GetAsync(Services + "?labelSelector=tier%3Dweb"));
        Assert.Equal(3, web["items"]!.AsArray().Count);
        var byName = await Json(await _http.GetAsync(Services + "?fieldSelector=metadata.name%3Ds4"));
        Assert.Equal("s4", (string?)byName["items"]![0]!["metadata"]!["name"]);

        var names = new List<string>();
        string? next = null;
        do
        {
            var page = await Json(await _http.GetAsync(Services + "?limit=2" + (next is null ? string.Empty : "&continue=" + Uri.EscapeDataString(next))));
            names.AddRange(page["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            next = (string?)page["metadata"]!["continue"];
        }
        while (next is not null);

        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], names);
    }

    [Fact]
    public async Task Faults_429WithRetryAfter_ThenNormal()
    {
        _api.Faults.FailNext(1, 429, "/services", TimeSpan.FromSeconds(2));
        var throttled = await _http.GetAsync(Services);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), throttled.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(Services)).StatusCode);
    }

    private async Task<JsonObject> Create(string name) => await Json(await Send(HttpMethod.Post, Services, Service(name)));

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, JsonObject body) =>
        _http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });

    private static JsonObject Service(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
    };

    private static async Task<JsonObject> Json(HttpResponseMessage response) => (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static long Version(JsonObject obj) => long.Parse((string)obj["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture);
}
