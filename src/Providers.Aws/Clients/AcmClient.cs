using System.Text;
using System.Text.Json.Nodes;

namespace CloudIngress.Providers.Aws.Clients;

public sealed record AcmCertificateSummary(string Arn, string DomainName, IReadOnlyList<string> SubjectAlternativeNames, string Status, string? Type, DateTimeOffset? NotAfter)
{
    public bool InUse { get; init; }
}

public sealed record AcmCertificate(string Arn, string DomainName, IReadOnlyList<string> SubjectAlternativeNames, string Status, string? Type, IReadOnlyList<string> InUseBy);

/// <summary>The AWS Certificate Manager operations CloudIngress uses, typed, on JSON 1.1.</summary>
public sealed class AcmClient(AwsJsonClient json)
{
    public const string TargetPrefix = "CertificateManager";

    /// <summary>Key types asked for when listing: every type ALB accepts, not only ListCertificates' RSA default.</summary>
    public static readonly IReadOnlyList<string> KeyTypes = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1"];

    public AwsJsonClient Json => json;

    /// <summary>Imports a certificate, or re-imports over <paramref name="existingArn"/> (tags cannot be given then).</summary>
    public async Task<string> ImportCertificateAsync(string certificatePem, string? chainPem, string privateKeyPem, string? existingArn,
        IReadOnlyDictionary<string, string>? tags, CancellationToken ct)
    {
        var request = new JsonObject
        {
            ["Certificate"] = Blob(certificatePem),
            ["PrivateKey"] = Blob(privateKeyPem),
        };
        if (!string.IsNullOrEmpty(chainPem))
        {
            request["CertificateChain"] = Blob(chainPem);
        }

        if (existingArn is not null)
        {
            request["CertificateArn"] = existingArn;
        }
        else if (tags is { Count: > 0 })
        {
            request["Tags"] = TagArray(tags);
        }

        var result = await json.CallAsync("ImportCertificate", request, ct);
        return result["CertificateArn"]!.GetValue<string>();
    }

    public async Task<IReadOnlyList<AcmCertificateSummary>> ListCertificatesAsync(IReadOnlyList<string> statuses, CancellationToken ct)
    {
        var all = new List<AcmCertificateSummary>();
        string? token = null;
        do
        {
            var request = new JsonObject
            {
                ["CertificateStatuses"] = new JsonArray([.. statuses.Select(s => (JsonNode)s)]),
                ["Includes"] = new JsonObject { ["keyTypes"] = new JsonArray([.. KeyTypes.Select(k => (JsonNode)k)]) },
                ["MaxItems"] = 1000,
            };
            if (token is not null)
            {
                request["NextToken"] = token;
            }

            var result = await json.CallAsync("ListCertificates", request, ct);
            foreach (var c in result["CertificateSummaryList"]?.AsArray() ?? [])
            {
                all.Add(new AcmCertificateSummary(
                    c!["CertificateArn"]!.GetValue<string>(),
                    c["DomainName"]?.GetValue<string>() ?? string.Empty,
                    Strings(c["SubjectAlternativeNameSummaries"]),
                    c["Status"]?.GetValue<string>() ?? "UNKNOWN",
                    c["Type"]?.GetValue<string>(),
                    c["NotAfter"] is { } notAfter ? DateTimeOffset.FromUnixTimeMilliseconds((long)(notAfter.GetValue<double>() * 1000)) : null)
                {
                    InUse = c["InUse"]?.GetValue<bool>() ?? false,
                });
            }

            token = result["NextToken"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    public async Task<AcmCertificate> DescribeCertificateAsync(string arn, CancellationToken ct)
    {
        var c = (await json.CallAsync("DescribeCertificate", new JsonObject { ["CertificateArn"] = arn }, ct))["Certificate"]!;
        return new AcmCertificate(arn, c["DomainName"]?.GetValue<string>() ?? string.Empty, Strings(c["SubjectAlternativeNames"]),
            c["Status"]?.GetValue<string>() ?? "UNKNOWN", c["Type"]?.GetValue<string>(), Strings(c["InUseBy"]));
    }

    public Task DeleteCertificateAsync(string arn, CancellationToken ct) =>
        json.CallAsync("DeleteCertificate", new JsonObject { ["CertificateArn"] = arn }, ct);

    public Task AddTagsAsync(string arn, IReadOnlyDictionary<string, string> tags, CancellationToken ct) =>
        json.CallAsync("AddTagsToCertificate", new JsonObject { ["CertificateArn"] = arn, ["Tags"] = TagArray(tags) }, ct);

    public async Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string arn, CancellationToken ct)
    {
        var result = await json.CallAsync("ListTagsForCertificate", new JsonObject { ["CertificateArn"] = arn }, ct);
        return (result["Tags"]?.AsArray() ?? []).ToDictionary(t => t!["Key"]!.GetValue<string>(), t => t!["Value"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
    }

    private static string Blob(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));

    private static JsonArray TagArray(IReadOnlyDictionary<string, string> tags) =>
        new([.. tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value })]);

    private static List<string> Strings(JsonNode? node) =>
        (node?.AsArray() ?? []).Select(n => n!.GetValue<string>()).ToList();
}
