using CloudIngress.Kubernetes.Config;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Kubernetes.Api;

/// <summary>
/// A small typed client for the calls the controller makes. Reads are typed; objects the controller
/// does not own are only ever patched (a PUT of our partial types would drop the fields we do not
/// model). Idempotent calls are retried on 429 and 5xx with exponential backoff and jitter,
/// honouring Retry-After; each call has a timeout; watches stream one event at a time. Backoffs and
/// timeouts run on <paramref name="time"/>.
/// </summary>
public sealed class KubernetesClient(HttpClient http, TimeProvider? time = null) : IDisposable
{
    private const string MergePatch = "application/merge-patch+json";
    private const string ApplyPatch = "application/apply-patch+yaml";
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; init; } = 5;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public static KubernetesClient Create(ClusterConnection connection, TimeProvider? time = null) =>
        new(new HttpClient(KubernetesHttp.CreateHandler(connection)) { BaseAddress = connection.Server, Timeout = Timeout.InfiniteTimeSpan }, time);

    public async Task<T> GetAsync<T>(ResourceType<T> type, string? ns, string name, CancellationToken cancellationToken = default)
        where T : class
    {
        using var response = await SendAsync(HttpMethod.Get, type.Path(ns, name), null, idempotent: true, cancellationToken);
        return await Read(response, type, cancellationToken);
    }

    /// <summary>Every page (limit/continue) of a list, and the resourceVersion to watch from.</summary>
    public async Task<ListResult<T>> ListAsync<T>(ResourceType<T> type, string? ns = null, string? labelSelector = null,
        string? fieldSelector = null, int pageSize = 500, CancellationToken cancellationToken = default)
        where T : class
    {
        var items = new List<T>();
        string? version = null;
        string? next = null;
        do
        {
            var query = new StringBuilder($"?limit={pageSize}");
            Append(query, "continue", next);
            Append(query, "labelSelector", labelSelector);
            Append(query, "fieldSelector", fieldSelector);
            using var response = await SendAsync(HttpMethod.Get, type.Path(ns) + query, null, idempotent: true, cancellationToken);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var metadata = document.RootElement.GetProperty("metadata");
            version ??= metadata.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;
            next = metadata.TryGetProperty("continue", out var c) ? c.GetString() : null;
            if (document.RootElement.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    items.Add(item.Deserialize(type.TypeInfo)!);
                }
            }
        }
        while (!string.IsNullOrEmpty(next));

        return new ListResult<T>(items, version ?? string.Empty);
    }

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks, decoding one line at a time.
    /// Ends when the server ends the stream; throws <see cref="ResourceExpiredException"/> on 410.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceType<T> type, string? ns, string resourceVersion,
        string? labelSelector = null, int timeoutSeconds = 300, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class
    {
        var query = new StringBuilder($"?watch=true&allowWatchBookmarks=true&timeoutSeconds={timeoutSeconds}");
        Append(query, "resourceVersion", resourceVersion);
        Append(query, "labelSelector", labelSelector);
        using var response = await SendAsync(HttpMethod.Get, type.Path(ns) + query, null, idempotent: true, cancellationToken, streaming: true);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var kind = document.RootElement.GetProperty("type").GetString();
            var obj = document.RootElement.GetProperty("object");
            var version = obj.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() ?? string.Empty : string.Empty;
            switch (kind)
            {
                case "ERROR":
                    throw StatusError(obj.TryGetProperty("code", out var code) ? (HttpStatusCode)code.GetInt32() : HttpStatusCode.InternalServerError, obj);
                case "BOOKMARK":
                    yield return new WatchEvent<T>(WatchEventType.Bookmark, null, version);
                    break;
                default:
                    var eventType = kind switch
                    {
                        "ADDED" => WatchEventType.Added,
                        "MODIFIED" => WatchEventType.Modified,
                        "DELETED" => WatchEventType.Deleted,
                        _ => throw new KubernetesApiException(HttpStatusCode.InternalServerError, "UnknownEvent", $"unknown watch event type {kind}"),
                    };
                    yield return new WatchEvent<T>(eventType, obj.Deserialize(type.TypeInfo), version);
                    break;
            }
        }
    }

    /// <summary>A JSON merge patch; include metadata.resourceVersion to make it conditional (409 when stale).</summary>
    public async Task<T> PatchAsync<T>(ResourceType<T> type, string? ns, string name, JsonNode patch, string? subresource = null,
        CancellationToken cancellationToken = default)
        where T : class
    {
        using var content = new StringContent(patch.ToJsonString(), Encoding.UTF8, MergePatch);
        using var response = await SendAsync(HttpMethod.Patch, type.Path(ns, name, subresource), content, idempotent: false, cancellationToken);
        return await Read(response, type, cancellationToken);
    }

    /// <summary>Server-side apply of the fields in <paramref name="body"/> as <paramref name="fieldManager"/> (status writes).</summary>
    public async Task<T> ApplyAsync<T>(ResourceType<T> type, string? ns, string name, JsonObject body, string fieldManager, string? subresource = null,
        CancellationToken cancellationToken = default)
        where T : class
    {
        body["apiVersion"] = type.ApiVersion;
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, ApplyPatch);
        var path = $"{type.Path(ns, name, subresource)}?fieldManager={Uri.EscapeDataString(fieldManager)}&force=true";
        using var response = await SendAsync(HttpMethod.Patch, path, content, idempotent: true, cancellationToken);
        return await Read(response, type, cancellationToken);
    }

    /// <summary>Creates an object of a kind the controller models completely (Leases, Events).</summary>
    public async Task<T> CreateAsync<T>(ResourceType<T> type, string? ns, T obj, CancellationToken cancellationToken = default)
        where T : class
    {
        using var content = new StringContent(JsonSerializer.Serialize(obj, type.TypeInfo), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, type.Path(ns), content, idempotent: false, cancellationToken);
        return await Read(response, type, cancellationToken);
    }

    /// <summary>Replaces an object of a kind the controller models completely; 409 when it changed since it was read.</summary>
    public async Task<T> UpdateAsync<T>(ResourceType<T> type, string? ns, string name, T obj, CancellationToken cancellationToken = default)
        where T : class
    {
        using var content = new StringContent(JsonSerializer.Serialize(obj, type.TypeInfo), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Put, type.Path(ns, name), content, idempotent: false, cancellationToken);
        return await Read(response, type, cancellationToken);
    }

    public async Task DeleteAsync<T>(ResourceType<T> type, string? ns, string name, CancellationToken cancellationToken = default)
        where T : class
    {
        using var response = await SendAsync(HttpMethod.Delete, type.Path(ns, name), null, idempotent: true, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, bool idempotent,
        CancellationToken cancellationToken, bool streaming = false)
    {
        var body = content is null ? null : await content.ReadAsByteArrayAsync(cancellationToken);
        var mediaType = content?.Headers.ContentType;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = mediaType;
            }

            // A linked source cannot take a clock, so the deadline is a source of its own.
            using var deadline = streaming ? null : new CancellationTokenSource(RequestTimeout, _time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, timeout.Token);
            }
            catch (Exception e) when ((e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                && idempotent && attempt < MaxRetries)
            {
                await Task.Delay(Backoff(attempt, null), _time, cancellationToken);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            // 429 means the server did nothing, so even a non-idempotent call may be sent again.
            var retryable = response.StatusCode == HttpStatusCode.TooManyRequests
                || (idempotent && (int)response.StatusCode is 500 or 502 or 503 or 504);
            if (retryable && attempt < MaxRetries)
            {
                var delay = Backoff(attempt, response.Headers.RetryAfter?.Delta);
                response.Dispose();
                await Task.Delay(delay, _time, cancellationToken);
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                JsonElement status = default;
                try
                {
                    status = JsonDocument.Parse(text).RootElement;
                }
                catch (JsonException)
                {
                }

                throw StatusError(response.StatusCode, status);
            }
        }
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = InitialBackoff * Math.Pow(2, attempt);
        var jittered = exponential * (0.5 + Random.Shared.NextDouble());
        var delay = retryAfter is { } after && after > jittered ? after : jittered;
        return delay > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : delay;
    }

    private static KubernetesApiException StatusError(HttpStatusCode code, JsonElement status)
    {
        string Field(string name) => status.ValueKind == JsonValueKind.Object && status.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : string.Empty;
        var reason = Field("reason");
        var message = Field("message") is { Length: > 0 } m ? m : $"the API server answered {(int)code}";
        return code switch
        {
            HttpStatusCode.Conflict => new ConflictException(reason, message),
            HttpStatusCode.Gone => new ResourceExpiredException(message),
            _ => new KubernetesApiException(code, reason, message),
        };
    }

    private static async Task<T> Read<T>(HttpResponseMessage response, ResourceType<T> type, CancellationToken cancellationToken)
        where T : class =>
        await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken), type.TypeInfo, cancellationToken)
            ?? throw new KubernetesApiException(response.StatusCode, "EmptyResponse", "the API server answered with an empty body");

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
