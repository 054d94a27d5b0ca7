using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Arm;

/// <summary>How the ARM client reaches ARM; tests give it a transport that trusts their CA.</summary>
public sealed record ArmClientSettings
{
    public const string ApiVersion = "2025-07-01";

    /// <summary><c>https://management.azure.com</c>, a sovereign cloud's, or an emulator's.</summary>
    public required Uri Endpoint { get; init; }

    public HttpPipelineTransport? Transport { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public int MaxRetries { get; init; } = 5;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Between polls of a long-running operation when ARM sends no <c>Retry-After</c>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Polls before an operation is given up on (the next apply picks it up again).</summary>
    public int MaxPolls { get; init; } = 360;
}

/// <summary>
/// A thin client for ARM's resource API on Azure.Core's pipeline (bearer token, transport): GET,
/// list, PUT with <c>If-Match</c> and DELETE, each waiting out its long-running operation. It
/// counts calls by the specification's operation ids (<c>ApplicationGateways_CreateOrUpdate</c>).
/// </summary>
public sealed partial class ArmRestClient
{
    private readonly HttpPipeline _pipeline;
    private readonly ArmClientSettings _settings;
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);

    public ArmRestClient(ArmClientSettings settings, TokenCredential credential)
    {
        _settings = settings;
        var options = new PipelineOptions { RetryPolicy = new ArmRetryPolicy(settings.Time, settings.MaxRetries, settings.FirstRetryDelay) };
        if (settings.Transport is not null)
        {
            options.Transport = settings.Transport;
        }

        options.Diagnostics.IsDistributedTracingEnabled = false;
        var scope = new Uri(settings.Endpoint, "/.default").AbsoluteUri;
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, scope));
    }

    public Uri Endpoint => _settings.Endpoint;

    /// <summary>Calls by operation id, failed and retried ones included.</summary>
    public IReadOnlyDictionary<string, long> Calls => new SortedDictionary<string, long>(_calls, StringComparer.Ordinal);

    public static bool IsMutating(string operation) =>
        operation.EndsWith("_CreateOrUpdate", StringComparison.Ordinal) || operation.EndsWith("_Delete", StringComparison.Ordinal) || operation.EndsWith("_UpdateTags", StringComparison.Ordinal);

    /// <summary>Every resource of <paramref name="type"/> in the resource group (all pages).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string subscription, string resourceGroup, string type, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        Uri? next = Url($"/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/{type}");
        while (next is not null)
        {
            using var message = await SendAsync(RequestMethod.Get, next, null, null, Operation(type, "List"), ct);
            var page = Json(message.Response);
            items.AddRange((page["value"]?.AsArray() ?? []).OfType<JsonObject>().Select(v => (JsonObject)v.DeepClone()));
            next = page["nextLink"]?.GetValue<string>() is { } link ? SameOrigin(link) : null;
        }

        return items;
    }

    public async Task<JsonObject?> GetAsync(string id, CancellationToken ct)
    {
        using var message = await SendAsync(RequestMethod.Get, Url(id), null, null, Operation(TypeOf(id), "Get"), ct, allowNotFound: true);
        return message.Response.Status == 404 ? null : Json(message.Response);
    }

    /// <summary>Creates or replaces <paramref name="id"/>, waits until ARM says Succeeded, and returns the resource as it then is.</summary>
    public async Task<JsonObject> PutAsync(string id, JsonObject body, string? ifMatch, CancellationToken ct)
    {
        var content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        string? operation;
        using (var message = await SendAsync(RequestMethod.Put, Url(id), content, ifMatch, Operation(TypeOf(id), "CreateOrUpdate"), ct))
        {
            operation = message.Response.Headers.TryGetValue("Azure-AsyncOperation", out var async) ? async : null;
        }

        if (operation is not null)
        {
            await PollAsync(SameOrigin(operation), id, ct);
        }

        return await GetAsync(id, ct) ?? throw new ArmException(404, "NotFound", "the resource is gone right after it was created", id);
    }

    /// <summary>Deletes <paramref name="id"/> and waits until it is gone; a resource already gone is fine.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        string? poll;
        using (var message = await SendAsync(RequestMethod.Delete, Url(id), null, null, Operation(TypeOf(id), "Delete"), ct, allowNotFound: true))
        {
            if (message.Response.Status != 202)
            {
                return;
            }

            var headers = message.Response.Headers;
            poll = headers.TryGetValue("Azure-AsyncOperation", out var async) ? async : headers.TryGetValue("Location", out var location) ? location : null;
        }

        if (poll is not null)
        {
            await PollAsync(SameOrigin(poll), id, ct);
        }
    }

    private static string TypeOf(string id)
    {
        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var providers = Array.FindIndex(parts, p => p.Equals("providers", StringComparison.OrdinalIgnoreCase));
        return providers >= 0 && parts.Length > providers + 2 ? parts[providers + 2] : "resources";
    }

    private static string Operation(string type, string verb) => type.ToLowerInvariant() switch
    {
        "applicationgateways" => "ApplicationGateways_" + verb,
        "loadbalancers" => "LoadBalancers_" + verb,
        "publicipaddresses" => "PublicIPAddresses_" + verb,
        _ => "Operations_" + verb,
    };

    private Uri Url(string path) => new(_settings.Endpoint, path + Query);

    private const string Query = "?api-version=" + ArmClientSettings.ApiVersion;

    /// <summary>Operation and paging links must stay on the endpoint: the bearer token goes wherever a request goes.</summary>
    private Uri SameOrigin(string link)
    {
        var uri = new Uri(_settings.Endpoint, link);
        if (Uri.Compare(uri, _settings.Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new ArmException(0, "UnexpectedLink", $"ARM pointed to {uri.GetLeftPart(UriPartial.Authority)}, which is not the endpoint {_settings.Endpoint.GetLeftPart(UriPartial.Authority)}; no token is sent there", uri.AbsolutePath);
        }

        return uri;
    }

    private static JsonObject Json(Response response) =>
        response.Content.ToMemory().Length == 0 ? [] : JsonNode.Parse(response.Content.ToMemory().Span) as JsonObject ?? [];

    private sealed class PipelineOptions : ClientOptions;
}
