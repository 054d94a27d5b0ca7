using CloudIngress.Core.Providers;
using CloudIngress.Providers.Azure.Arm;
using CloudIngress.Providers.Azure.Translate;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Azure.Deploy;

/// <summary>
/// Carries out operations one at a time, each a PUT or DELETE that waits for its long-running
/// operation, and keeps <paramref name="inventory"/> as ARM left things. A gateway's SSL
/// certificates get their PFX and a fresh random password here, in memory, just for the PUT.
/// </summary>
public sealed class AzureExecutor(ArmRestClient arm, AzurePlan plan, AzureInventory inventory)
{
    public async Task ExecuteAsync(AzureOperation operation, CancellationToken ct)
    {
        if (operation.Action == OperationAction.Delete)
        {
            await arm.DeleteAsync(operation.Id, ct);
            inventory.Remove(operation.Kind, operation.Name);
            return;
        }

        var desired = operation.Desired!;
        var body = (JsonObject)desired.Body.DeepClone();
        if (desired.Kind == AzureKind.Gateway)
        {
            AddCertificateData(body);
        }

        var result = await arm.PutAsync(desired.Id, body, operation.Observed?.Etag, ct);
        inventory.Set(ObservedResource.From(desired.Kind, result));
    }

    private void AddCertificateData(JsonObject gateway)
    {
        foreach (var certificate in (gateway["properties"]?["sslCertificates"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = certificate["name"]!.GetValue<string>();
            if (plan.Certificates.TryGetValue(name, out var material))
            {
                var (data, password) = Pfx(material);
                var properties = certificate["properties"] as JsonObject ?? [];
                properties["data"] = data;
                properties["password"] = password;
                certificate["properties"] = properties;
            }
        }
    }

    /// <summary>The chain and key as a base64 PFX under a random password; nothing touches the disk.</summary>
    internal static (string Data, string Password) Pfx(CertificateMaterial material)
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(material.CertificatePem);
        using var leaf = X509Certificate2.CreateFromPem(material.CertificatePem, material.PrivateKeyPem.Reveal());
        var bundle = new X509Certificate2Collection { leaf };
        bundle.AddRange(chain.Skip(1).ToArray());
        try
        {
            return (Convert.ToBase64String(bundle.Export(X509ContentType.Pkcs12, password)!), password);
        }
        finally
        {
            foreach (var certificate in chain)
            {
                certificate.Dispose();
            }
        }
    }
}
