using System.Text.Json.Nodes;

namespace CloudIngress.Emulators.Azure;

/// <summary>An ARM error answer: status, ARM's error code, message.</summary>
internal sealed class ArmError(int status, string code, string message) : Exception(message)
{
    public int Status => status;

    public string Code => code;
}

internal sealed class StoredResource
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    public required string Name { get; init; }

    public required JsonObject Body { get; set; }

    public string Etag => Body["etag"]!.GetValue<string>();

    public string? State => Body["properties"]?["provisioningState"]?.GetValue<string>();
}

internal sealed class ArmOperation
{
    public required string Id { get; init; }

    public required string ResourceId { get; init; }

    public bool Delete { get; init; }

    public bool Fail { get; init; }

    public int PollsLeft { get; set; }

    public bool Done { get; set; }
}

/// <summary>Everything the emulated resource groups hold; every access is under <see cref="Lock"/>.</summary>
internal sealed class ArmState(ArmEmulatorOptions options)
{
    private int _addresses;

    public Lock Lock { get; } = new();

    public ArmEmulatorOptions Options => options;

    public Dictionary<string, StoredResource> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ArmOperation> Operations { get; } = new(StringComparer.Ordinal);

    public StoredResource? Find(string id) => Resources.GetValueOrDefault(id);

    public bool SubnetExists(string? id) => id is not null && options.Subnets.Contains(id, StringComparer.OrdinalIgnoreCase);

    public bool VirtualNetworkExists(string? id) =>
        id is not null && options.Subnets.Any(s => s.StartsWith(id + "/subnets/", StringComparison.OrdinalIgnoreCase));

    public string NextPublicAddress() => $"20.50.{++_addresses / 250}.{_addresses % 250 + 1}";

    public string NextPrivateAddress() => $"10.224.{++_addresses / 250}.{_addresses % 250 + 1}";

    /// <summary>The resource (other than <paramref name="except"/>) whose frontend uses public IP <paramref name="pip"/>.</summary>
    public StoredResource? UserOf(string pip, string? except = null) => Resources.Values.FirstOrDefault(r =>
        !string.Equals(r.Id, except, StringComparison.OrdinalIgnoreCase)
        && (r.Body["properties"]?["frontendIPConfigurations"] as JsonArray ?? []).Any(f =>
            string.Equals(f?["properties"]?["publicIPAddress"]?["id"]?.GetValue<string>(), pip, StringComparison.OrdinalIgnoreCase)));
}
