using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>PUT and DELETE as long-running operations, and what the server fills in.</summary>
public sealed partial class ArmEmulator
{
    private (int, JsonNode?) Put(string id, string type, string name, string? text, string ifMatch, Dictionary<string, string> headers)
    {
        var fault = Faults.Take("PUT", type, name);
        if (fault is { Kind: ArmFaultKind.Refuse })
        {
            return Refuse(fault, headers);
        }

        var body = JsonNode.Parse(text ?? "null") as JsonObject ?? throw new ArmError(400, "InvalidRequestContent", "The request content is not a JSON object.");
        var definition = type switch { "applicationGateways" => "ApplicationGateway", "loadBalancers" => "LoadBalancer", _ => "PublicIPAddress" };
        if (SpecFacts.Violations(body, definition, allowReadOnly: true) is { Count: > 0 } violations)
        {
            throw new ArmError(400, "InvalidRequestFormat", string.Join("; ", violations));
        }

        lock (_state.Lock)
        {
            var existing = _state.Find(id);
            if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch != existing?.Etag)
            {
                throw new ArmError(412, "PreconditionFailed", $"The etag {ifMatch} does not match {existing?.Etag ?? "a resource that does not exist"}.");
            }

            if (existing?.State == "Deleting")
            {
                throw new ArmError(409, "AnotherOperationInProgress", $"{id} is being deleted.");
            }

            ArmRules.Name(name);
            ArmRules.Tags(body);
            if (body["location"]?.GetValue<string>() is not { } location || !string.Equals(location.Replace(" ", string.Empty, StringComparison.Ordinal), Options.Location, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmError(400, "LocationRequired", $"location must be {Options.Location}.");
            }

            switch (type)
            {
                case "applicationGateways":
                    GatewayRules.Validate(body, id, existing, _state);
                    break;
                case "loadBalancers":
                    LoadBalancerRules.ValidateLoadBalancer(body, id, _state);
                    break;
                default:
                    LoadBalancerRules.ValidatePublicIp(body);
                    break;
            }

            var stored = Store(type, name, id, body, existing);
            if (fault is { Kind: ArmFaultKind.AfterCommit })
            {
                Complete(stored, fail: false);
                return (500, new JsonObject { ["error"] = new JsonObject { ["code"] = "InternalServerError", ["message"] = "the connection broke after the change was made" } });
            }

            var operation = Start(id, delete: false, fail: fault is { Kind: ArmFaultKind.FailOperation });
            headers["Azure-AsyncOperation"] = new Uri(Url, $"/subscriptions/{Options.Subscription}/providers/Microsoft.Network/locations/{Options.Location}/operations/{operation.Id}?api-version={ApiVersion}").AbsoluteUri;
            headers["Retry-After"] = Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return (existing is null ? 201 : 200, stored.Body.DeepClone());
        }
    }

    private (int, JsonNode?) Delete(string id, string type, string name, Dictionary<string, string> headers)
    {
        var fault = Faults.Take("DELETE", type, name);
        if (fault is { Kind: ArmFaultKind.Refuse })
        {
            return Refuse(fault, headers);
        }

        lock (_state.Lock)
        {
            if (_state.Find(id) is not { } stored)
            {
                return (204, null);
            }

            if (type == "publicIPAddresses" && _state.UserOf(id) is { } user)
            {
                throw new ArmError(400, "PublicIPAddressCannotBeDeleted", $"Public IP address {id} can not be deleted since it is still allocated to resource {user.Id}.");
            }

            if (fault is { Kind: ArmFaultKind.AfterCommit })
            {
                _state.Resources.Remove(id);
                return (500, new JsonObject { ["error"] = new JsonObject { ["code"] = "InternalServerError", ["message"] = "the connection broke after the delete was made" } });
            }

            stored.Body["properties"]!["provisioningState"] = "Deleting";
            var operation = Start(id, delete: true, fail: false);
            headers["Location"] = new Uri(Url, $"/subscriptions/{Options.Subscription}/providers/Microsoft.Network/locations/{Options.Location}/operationResults/{operation.Id}?api-version={ApiVersion}").AbsoluteUri;
            headers["Retry-After"] = Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return (202, null);
        }
    }

    private (int, JsonNode?) Poll(string kind, string operationId, Dictionary<string, string> headers)
    {
        lock (_state.Lock)
        {
            if (!_state.Operations.TryGetValue(operationId, out var operation))
            {
                throw new ArmError(404, "OperationNotFound", $"Operation {operationId} was not found.");
            }

            if (!operation.Done && --operation.PollsLeft <= 0)
            {
                operation.Done = true;
                if (operation.Delete)
                {
                    _state.Resources.Remove(operation.ResourceId);
                }
                else if (_state.Find(operation.ResourceId) is { } stored)
                {
                    Complete(stored, operation.Fail);
                }
            }

            if (!operation.Done)
            {
                headers["Retry-After"] = Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return kind == "operationResults" ? (202, null) : (200, new JsonObject { ["status"] = "InProgress" });
            }

            if (kind == "operationResults")
            {
                return (204, null);
            }

            return (200, operation.Fail
                ? new JsonObject { ["status"] = "Failed", ["error"] = new JsonObject { ["code"] = "InternalServerError", ["message"] = "the operation failed (injected)" } }
                : new JsonObject { ["status"] = "Succeeded" });
        }
    }

    private static (int, JsonNode?) Refuse(ArmFault fault, Dictionary<string, string> headers)
    {
        headers["Retry-After"] = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var code = fault.Status == 429 ? "TooManyRequests" : "InternalServerError";
        return (fault.Status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = $"injected {fault.Status}" } });
    }

    private ArmOperation Start(string resourceId, bool delete, bool fail)
    {
        var operation = new ArmOperation { Id = Guid.NewGuid().ToString(), ResourceId = resourceId, Delete = delete, Fail = fail, PollsLeft = Options.PollsToComplete };
        _state.Operations[operation.Id] = operation;
        return operation;
    }

    /// <summary>The body as a GET returns it: ids, types, etags, Updating states; certificate secrets dropped, server defaults added.</summary>
    private StoredResource Store(string type, string name, string id, JsonObject request, StoredResource? existing)
    {
        var body = (JsonObject)request.DeepClone();
        body["id"] = id;
        body["name"] = name;
        body["type"] = "Microsoft.Network/" + type;
        body["etag"] = NewEtag();
        body["location"] = body["location"]!.GetValue<string>().Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var properties = body["properties"] as JsonObject ?? [];
        body["properties"] = properties;
        properties["provisioningState"] = "Updating";
        properties["resourceGuid"] = existing?.Body["properties"]?["resourceGuid"]?.DeepClone() ?? Guid.NewGuid().ToString();
        foreach (var (collection, items) in properties.ToList())
        {
            foreach (var child in (items as JsonArray ?? []).OfType<JsonObject>().Where(c => c["name"] is not null))
            {
                child["id"] = $"{id}/{collection}/{child["name"]}";
                child["etag"] = body["etag"]!.GetValue<string>();
                var childProperties = child["properties"] as JsonObject ?? [];
                child["properties"] = childProperties;
                childProperties["provisioningState"] = "Updating";
                Defaults(collection, childProperties, existing, child["name"]!.GetValue<string>());
            }
        }

        // Addresses stay with the resource across updates, as ARM keeps them.
        properties["ipAddress"] ??= existing?.Body["properties"]?["ipAddress"]?.DeepClone();
        foreach (var frontend in (properties["frontendIPConfigurations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var before = (existing?.Body["properties"]?["frontendIPConfigurations"] as JsonArray)?.FirstOrDefault(f => (string?)f?["name"] == (string?)frontend["name"]);
            if (frontend["properties"] is JsonObject fp && fp["subnet"] is not null)
            {
                fp["privateIPAddress"] ??= before?["properties"]?["privateIPAddress"]?.DeepClone();
            }
        }

        if (properties["ipAddress"] is null)
        {
            properties.Remove("ipAddress");
        }

        var stored = new StoredResource { Id = id, Type = type, Name = name, Body = body };
        _state.Resources[id] = stored;
        return stored;
    }

    private static void Defaults(string collection, JsonObject properties, StoredResource? existing, string name)
    {
        switch (collection)
        {
            case "sslCertificates":
                var data = properties["data"]?.GetValue<string>();
                var password = properties["password"]?.GetValue<string>();
                properties.Remove("data");
                properties.Remove("password");
                using (var pfx = data is null ? null : X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(data), password))
                {
                    properties["publicCertData"] = pfx is null
                        ? (existing?.Body["properties"]?["sslCertificates"] as JsonArray)?.FirstOrDefault(c => (string?)c?["name"] == name)?["properties"]?["publicCertData"]?.DeepClone()
                        : Convert.ToBase64String(pfx.RawData);
                }

                break;
            case "backendHttpSettingsCollection":
                properties["requestTimeout"] ??= 20;
                properties["pickHostNameFromBackendAddress"] ??= false;
                break;
            case "probes":
                properties["minServers"] ??= 0;
                break;
            case "loadBalancingRules":
                properties["idleTimeoutInMinutes"] ??= 4;
                break;
        }
    }

    /// <summary>The operation is over: Succeeded (addresses handed out) or Failed.</summary>
    private void Complete(StoredResource stored, bool fail)
    {
        var properties = (JsonObject)stored.Body["properties"]!;
        var state = fail ? "Failed" : "Succeeded";
        properties["provisioningState"] = state;
        foreach (var child in properties.Select(p => p.Value).OfType<JsonArray>().SelectMany(a => a.OfType<JsonObject>()))
        {
            if (child["properties"] is JsonObject childProperties)
            {
                childProperties["provisioningState"] = state;
            }
        }

        if (fail)
        {
            return;
        }

        if (stored.Type == "publicIPAddresses")
        {
            properties["ipAddress"] ??= _state.NextPublicAddress();
            properties["idleTimeoutInMinutes"] ??= 4;
        }

        foreach (var frontend in (properties["frontendIPConfigurations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (frontend["properties"] is JsonObject fp && fp["subnet"] is not null)
            {
                fp["privateIPAddress"] ??= _state.NextPrivateAddress();
            }
        }
    }
}
