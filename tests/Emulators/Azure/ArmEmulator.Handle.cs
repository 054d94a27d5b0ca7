using Microsoft.AspNetCore.Http;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>Routing, authentication, api-version and the answer of every request.</summary>
public sealed partial class ArmEmulator
{
    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength > 0 || request.Method is "PUT" or "PATCH")
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync();
        }

        var parts = request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var type = parts.Length >= 7 && parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase) ? parts[6] : parts.Length >= 6 && parts[2] == "providers" ? parts[^2] : "unknown";
        _calls.AddOrUpdate($"{request.Method} {type}", 1, (_, n) => n + 1);
        int status;
        JsonNode? answer;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            Authenticate(request);
            (status, answer) = Route(request, parts, body, headers);
        }
        catch (ArmError e)
        {
            (status, answer) = (e.Status, new JsonObject { ["error"] = new JsonObject { ["code"] = e.Code, ["message"] = e.Message } });
        }
        catch (JsonException e)
        {
            (status, answer) = (400, new JsonObject { ["error"] = new JsonObject { ["code"] = "InvalidRequestContent", ["message"] = e.Message } });
        }

        _requests.Enqueue(new ArmRequest(request.Method, request.Path + request.QueryString, body, status));
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (answer is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.ToJsonString());
        }
    }

    private void Authenticate(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() != "Bearer " + Options.Token)
        {
            throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or not a valid bearer token.");
        }

        if (request.Query["api-version"].ToString() != ApiVersion)
        {
            throw new ArmError(400, "InvalidApiVersionParameter", $"The api-version '{request.Query["api-version"]}' is invalid. This emulator serves '{ApiVersion}'.");
        }
    }

    private (int Status, JsonNode? Body) Route(HttpRequest request, string[] parts, string? body, Dictionary<string, string> headers)
    {
        if (parts.Length < 2 || !parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || !string.Equals(parts[1], Options.Subscription, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmError(404, "SubscriptionNotFound", $"The subscription '{(parts.Length > 1 ? parts[1] : string.Empty)}' could not be found.");
        }

        // /subscriptions/s/providers/Microsoft.Network/locations/l/operations|operationResults/id
        if (parts.Length == 8 && parts[2] == "providers" && parts[4] == "locations")
        {
            return Poll(parts[6], parts[7], headers);
        }

        if (parts.Length < 7 || !parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) || !parts[5].Equals("Microsoft.Network", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmError(404, "NotFound", $"No route for {request.Path}.");
        }

        if (!Options.ResourceGroups.Contains(parts[3], StringComparer.OrdinalIgnoreCase))
        {
            throw new ArmError(404, "ResourceGroupNotFound", $"Resource group '{parts[3]}' could not be found.");
        }

        var type = parts[6];
        if (type is not ("applicationGateways" or "loadBalancers" or "publicIPAddresses"))
        {
            throw new ArmError(400, "InvalidResourceType", $"The resource type '{type}' is not emulated.");
        }

        var id = $"/subscriptions/{Options.Subscription}/resourceGroups/{parts[3]}/providers/Microsoft.Network/{type}" + (parts.Length > 7 ? "/" + parts[7] : string.Empty);
        return (request.Method, parts.Length) switch
        {
            ("GET", 7) => List(id, type, request.Query["$skiptoken"].ToString()),
            ("GET", 8) => Get(id),
            ("PUT", 8) => Put(id, type, parts[7], body, request.Headers.IfMatch.ToString(), headers),
            ("DELETE", 8) => Delete(id, type, parts[7], headers),
            _ => throw new ArmError(405, "MethodNotAllowed", $"{request.Method} {request.Path} is not supported."),
        };
    }

    private (int, JsonNode?) List(string collectionId, string type, string skipToken)
    {
        lock (_state.Lock)
        {
            var all = _state.Resources.Values.Where(r => r.Id.StartsWith(collectionId + "/", StringComparison.OrdinalIgnoreCase)).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
            var skip = int.TryParse(skipToken, out var s) ? s : 0;
            var page = new JsonObject { ["value"] = new JsonArray([.. all.Skip(skip).Take(Options.PageSize).Select(r => r.Body.DeepClone())]) };
            if (skip + Options.PageSize < all.Count)
            {
                page["nextLink"] = new Uri(Url, $"{collectionId}?api-version={ApiVersion}&$skiptoken={skip + Options.PageSize}").AbsoluteUri;
            }

            return (200, page);
        }
    }

    private (int, JsonNode?) Get(string id)
    {
        lock (_state.Lock)
        {
            return _state.Find(id) is { } stored
                ? (200, stored.Body.DeepClone())
                : throw new ArmError(404, "ResourceNotFound", $"The Resource '{id}' was not found.");
        }
    }
}
