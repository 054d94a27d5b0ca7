using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>
/// Stands between the provider and the emulator and rewrites answers: Query (XML) answers by action,
/// ACM (JSON) answers by target. Lets a test play an endpoint that spells things its own way, or
/// one that does not keep what it is told.
/// </summary>
internal sealed class RespellingHandler(Action<string, XElement>? xml = null, Action<string, JsonNode>? json = null) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var type = response.Content.Headers.ContentType?.MediaType ?? "text/xml";
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets) && json is not null)
        {
            var node = JsonNode.Parse(text)!;
            json(targets.Single()[(targets.Single().IndexOf('.', StringComparison.Ordinal) + 1)..], node);
            text = node.ToJsonString();
        }
        else if (xml is not null && text.StartsWith('<'))
        {
            var action = body.Split('&').Select(Uri.UnescapeDataString).FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal))?["Action=".Length..] ?? string.Empty;
            var document = XDocument.Parse(text);
            xml(action, document.Root!);
            text = document.ToString(SaveOptions.DisableFormatting);
        }

        response.Content = new StringContent(text, Encoding.UTF8, type);
        return response;
    }

    /// <summary>Elements of that local name anywhere below (answers carry a namespace).</summary>
    public static IEnumerable<XElement> All(XElement root, string name) => root.Descendants().Where(e => e.Name.LocalName == name).ToList();

    public static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);
}
