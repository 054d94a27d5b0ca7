using CloudIngress.Providers.Azure.Naming;
using CloudIngress.Providers.Azure.Translate;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Deploy;

/// <summary>One resource as ARM returned it.</summary>
public sealed record ObservedResource(AzureKind Kind, string Name, string Id, IReadOnlyDictionary<string, string> Tags, string? Etag, JsonObject Body)
{
    public static ObservedResource From(AzureKind kind, JsonObject body)
    {
        var tags = (body["tags"] as JsonObject ?? []).Where(t => t.Value is JsonValue)
            .ToDictionary(t => t.Key, t => t.Value!.ToString(), StringComparer.Ordinal);
        return new ObservedResource(kind, body["name"]?.GetValue<string>() ?? string.Empty, body["id"]?.GetValue<string>() ?? string.Empty, tags,
            body["etag"]?.GetValue<string>(), body);
    }

    public string? ProvisioningState => Body["properties"]?["provisioningState"]?.GetValue<string>();
}

/// <summary>What the resource group holds of the three types we manage, by kind and name (ARM names are case-insensitive).</summary>
public sealed class AzureInventory
{
    private readonly Dictionary<(AzureKind, string), ObservedResource> _resources = [];

    public static AzureInventory Empty => new();

    public IEnumerable<ObservedResource> All => _resources.Values;

    public ObservedResource? Find(AzureKind kind, string name) => _resources.GetValueOrDefault((kind, name.ToLowerInvariant()));

    public void Set(ObservedResource resource) => _resources[(resource.Kind, resource.Name.ToLowerInvariant())] = resource;

    public void Remove(AzureKind kind, string name) => _resources.Remove((kind, name.ToLowerInvariant()));

    public IEnumerable<ObservedResource> OwnedBy(string cluster) => _resources.Values.Where(r => AzureTags.OwnedBy(r.Tags, cluster));

    /// <summary>The address a frontend publishes: its public IP's, or the private one ARM gave its frontend configuration.</summary>
    public string? Address(DesiredResource resource)
    {
        if (resource.PublicIpId is { } pip)
        {
            return Find(AzureKind.PublicIp, pip[(pip.LastIndexOf('/') + 1)..])?.Body["properties"]?["ipAddress"]?.GetValue<string>();
        }

        var frontends = Find(resource.Kind, resource.Name)?.Body["properties"]?["frontendIPConfigurations"] as JsonArray;
        return frontends?.FirstOrDefault()?["properties"]?["privateIPAddress"]?.GetValue<string>();
    }
}
