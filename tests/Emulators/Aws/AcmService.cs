using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CloudIngress.Emulators.Aws;

/// <summary>The ACM operations (JSON 1.1, <c>X-Amz-Target: CertificateManager.X</c>) for imported and discovered certificates.</summary>
internal sealed partial class AcmService
{
    private static readonly string[] DefaultKeyTypes = ["RSA_1024", "RSA_2048"];
    private readonly AwsState _state;
    private readonly Dictionary<string, Func<JsonObject, JsonObject>> _operations;

    public AcmService(AwsState state)
    {
        _state = state;
        _operations = new(StringComparer.Ordinal)
        {
            ["ImportCertificate"] = Import,
            ["ListCertificates"] = List,
            ["DescribeCertificate"] = Describe,
            ["DeleteCertificate"] = Delete,
            ["AddTagsToCertificate"] = AddTags,
            ["ListTagsForCertificate"] = ListTags,
        };
    }

    public bool Knows(string operation) => _operations.ContainsKey(operation);

    public JsonObject Handle(string operation, JsonObject body) => _operations[operation](body);

    public static string Error(AwsError error) => new JsonObject { ["__type"] = error.Code, ["message"] = error.Message }.ToJsonString();

    public string NewArn() => $"arn:aws:acm:{_state.Options.Region}:{_state.Options.AccountId}:certificate/{Guid.NewGuid()}";

    private JsonObject Import(JsonObject body)
    {
        var arn = (string?)body["CertificateArn"];
        var tags = Tags(body);
        Certificate? previous = null;
        if (arn is not null)
        {
            previous = Find(arn);
            if (tags.Count > 0)
            {
                throw new AwsError("ValidationException", "Tagging is not permitted on re-import.");
            }

            if (!previous.Imported)
            {
                throw new AwsError("ValidationException", $"Certificate '{arn}' was not imported and cannot be re-imported");
            }
        }
        else
        {
            TagRules.Check(null, tags, "TooManyTagsException", "InvalidTagException");
        }

        var chain = body["CertificateChain"] is null ? null : Blob(body, "CertificateChain");
        var certificate = CertificateParser.Parse(arn ?? NewArn(), Blob(body, "Certificate"), Blob(body, "PrivateKey"), chain, _state.Now);
        if (previous is not null)
        {
            if (previous.KeyAlgorithm != certificate.KeyAlgorithm)
            {
                throw new AwsError("ValidationException", $"The key algorithm {certificate.KeyAlgorithm} differs from the certificate's {previous.KeyAlgorithm}");
            }

            certificate = certificate with { CreatedAt = previous.CreatedAt };
        }

        _state.Certificates[certificate.Arn] = certificate;
        _state.AddTags(certificate.Arn, tags);
        return new JsonObject { ["CertificateArn"] = certificate.Arn };
    }

    private JsonObject List(JsonObject body)
    {
        var statuses = Strings(body["CertificateStatuses"]);
        IReadOnlyList<string> keyTypes = body["Includes"]?["keyTypes"] is JsonArray types ? Strings(types) : DefaultKeyTypes;
        var maxItems = (int?)body["MaxItems"];
        if (maxItems is < 1 or > 1000)
        {
            throw new AwsError("ValidationException", "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000");
        }

        var now = _state.Now;
        var matching = _state.Certificates.Values
            .Where(c => (statuses.Count == 0 || statuses.Contains(c.StatusAt(now))) && keyTypes.Contains(c.KeyAlgorithm))
            .ToList();
        var (page, next) = Paging.Take(matching, (string?)body["NextToken"], maxItems, _state.Options.PageSize, "InvalidArgsException");
        var result = new JsonObject
        {
            ["CertificateSummaryList"] = new JsonArray(page.Select(c => (JsonNode)Summary(c, now)).ToArray()),
        };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return result;
    }

    private JsonObject Describe(JsonObject body)
    {
        var certificate = Find(Arn(body));
        var now = _state.Now;
        var described = Summary(certificate, now);
        described.Remove("SubjectAlternativeNameSummaries");
        described.Remove("HasAdditionalSubjectAlternativeNames");
        described.Remove("InUse");
        described["SubjectAlternativeNames"] = new JsonArray(certificate.SubjectAlternativeNames.Select(s => (JsonNode)s).ToArray());
        described["Serial"] = certificate.Serial;
        described["Subject"] = certificate.Subject;
        described["Issuer"] = certificate.Issuer;
        described["SignatureAlgorithm"] = certificate.SignatureAlgorithm;
        described["InUseBy"] = new JsonArray(_state.CertificateUsers(certificate.Arn).Select(a => (JsonNode)a).ToArray());
        described["Options"] = new JsonObject { ["CertificateTransparencyLoggingPreference"] = "ENABLED" };
        return new JsonObject { ["Certificate"] = described };
    }

    private JsonObject Delete(JsonObject body)
    {
        var certificate = Find(Arn(body));
        if (_state.CertificateUsers(certificate.Arn).Count > 0)
        {
            throw new AwsError("ResourceInUseException", $"Certificate {certificate.Arn} in account {_state.Options.AccountId} is in use.");
        }

        _state.Certificates.Remove(certificate.Arn);
        _state.Tags.Remove(certificate.Arn);
        return [];
    }

    private JsonObject AddTags(JsonObject body)
    {
        var certificate = Find(Arn(body));
        var tags = Tags(body);
        if (tags.Count == 0)
        {
            throw new AwsError("ValidationException", "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
        }

        TagRules.Check(_state.TagsOf(certificate.Arn), tags, "TooManyTagsException", "InvalidTagException");
        _state.AddTags(certificate.Arn, tags);
        return [];
    }

    private JsonObject ListTags(JsonObject body)
    {
        var certificate = Find(Arn(body));
        return new JsonObject
        {
            ["Tags"] = new JsonArray(_state.TagsOf(certificate.Arn).Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray()),
        };
    }

    private JsonObject Summary(Certificate c, DateTimeOffset now)
    {
        var summary = new JsonObject
        {
            ["CertificateArn"] = c.Arn,
            ["DomainName"] = c.DomainName,
            ["SubjectAlternativeNameSummaries"] = new JsonArray(c.SubjectAlternativeNames.Take(100).Select(s => (JsonNode)s).ToArray()),
            ["HasAdditionalSubjectAlternativeNames"] = c.SubjectAlternativeNames.Count > 100,
            ["Status"] = c.StatusAt(now),
            ["Type"] = c.Type,
            ["KeyAlgorithm"] = c.KeyAlgorithm,
            ["InUse"] = _state.CertificateUsers(c.Arn).Count > 0,
            ["RenewalEligibility"] = c.Imported ? "INELIGIBLE" : "ELIGIBLE",
            ["NotBefore"] = c.NotBefore.ToUnixTimeSeconds(),
            ["NotAfter"] = c.NotAfter.ToUnixTimeSeconds(),
            ["CreatedAt"] = c.CreatedAt.ToUnixTimeSeconds(),
        };
        summary[c.Imported ? "ImportedAt" : "IssuedAt"] = (c.ImportedAt ?? c.CreatedAt).ToUnixTimeSeconds();
        return summary;
    }

    private Certificate Find(string arn) =>
        _state.Certificates.GetValueOrDefault(arn) ?? throw new AwsError("ResourceNotFoundException", $"Could not find certificate {arn}.");

    private static string Arn(JsonObject body)
    {
        var arn = (string?)body["CertificateArn"] ?? throw new AwsError("ValidationException", "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null");
        return ArnPattern().IsMatch(arn) ? arn : throw new AwsError("InvalidArnException", $"String '{arn}' is not a valid ARN.");
    }

    /// <summary>A blob member: base64 in JSON, holding PEM text.</summary>
    private static string Blob(JsonObject body, string name)
    {
        var text = (string?)body[name] ?? throw new AwsError("ValidationException", $"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null");
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            throw new AwsError("SerializationException", $"'{name}' is not valid base64");
        }
    }

    private static List<KeyValuePair<string, string>> Tags(JsonObject body) =>
        body["Tags"] is JsonArray tags
            ? tags.Select(t => KeyValuePair.Create((string?)t?["Key"] ?? throw new AwsError("ValidationException", "A tag key is required"), (string?)t?["Value"] ?? string.Empty)).ToList()
            : [];

    private static List<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(n => (string?)n ?? string.Empty).ToList() : [];

    [GeneratedRegex(@"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$")]
    private static partial Regex ArnPattern();
}
