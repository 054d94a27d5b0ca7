using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>
/// The AWS Query protocol (ELBv2, EC2): <c>POST</c> of a form with <c>Action</c>, <c>Version</c>
/// and the parameters (ELBv2 lists as <c>Name.member.N</c>, EC2 lists as <c>Name.N</c>); the answer
/// is XML. Errors become <see cref="AwsServiceException"/>.
/// </summary>
public sealed class AwsQueryClient(HttpClient http, AwsServiceEndpoint endpoint, Func<CancellationToken, ValueTask<AwsCredentials>> credentials, AwsRateLimiter limiter)
    : AwsProtocolClient(http, endpoint, credentials, limiter)
{
    private const string FormType = "application/x-www-form-urlencoded; charset=utf-8";

    /// <summary>Calls <paramref name="action"/>; returns <c>&lt;ActionResult&gt;</c> (ELBv2) or the response root (EC2), namespaces stripped.</summary>
    public async Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", Endpoint.ApiVersion) };
        form.AddRange(parameters);
        var body = string.Join('&', form.Select(p => $"{SigV4.Encode(p.Key)}={SigV4.Encode(p.Value)}"));
        var text = await SendAsync(action, Utf8(body), FormType, [], cancellationToken);
        var root = Strip(XDocument.Parse(text).Root!);
        return root.Element(action + "Result") ?? root;
    }

    /// <summary>Adds <c>Name.member.1..N</c> parameters, ELBv2's lists.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Members(string name, IEnumerable<string> values) =>
        values.Select((v, i) => new KeyValuePair<string, string>($"{name}.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}", v));

    /// <summary>ELBv2's <c>ErrorResponse/Error</c> and EC2's <c>Response/Errors/Error</c>.</summary>
    protected override AwsServiceException? ParseError(string operation, HttpStatusCode status, string text)
    {
        try
        {
            var root = Strip(XDocument.Parse(text).Root!);
            var error = root.Descendants("Error").FirstOrDefault();
            var requestId = (string?)root.Element("RequestId") ?? (string?)root.Element("RequestID");
            return error is null
                ? null
                : new AwsServiceException(Endpoint.Service, operation, status, (string?)error.Element("Code") ?? status.ToString(),
                    (string?)error.Element("Message") ?? string.Empty, requestId);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static XElement Strip(XElement element)
    {
        foreach (var e in element.DescendantsAndSelf())
        {
            e.Name = e.Name.LocalName;
            e.ReplaceAttributes(e.Attributes().Where(a => !a.IsNamespaceDeclaration));
        }

        return element;
    }
}
