using System.Globalization;
using System.Xml.Linq;

namespace CloudIngress.Emulators.Aws;

/// <summary>Builds Query-protocol XML: elements are made without a namespace and given the service's one at the end.</summary>
internal static class QueryXml
{
    public static XElement E(string name, params object?[] content) => new(name, content);

    /// <summary>An element only when there is a value: AWS omits unset members.</summary>
    public static XElement? Opt(string name, object? value) => value is null ? null : new XElement(name, value);

    /// <summary>An ELBv2 list: <c>&lt;Name&gt;&lt;member&gt;…&lt;/member&gt;&lt;/Name&gt;</c>.</summary>
    public static XElement Members(string name, IEnumerable<object?> items) => new(name, items.Select(i => new XElement("member", i)));

    /// <summary>An EC2 list: <c>&lt;nameSet&gt;&lt;item&gt;…&lt;/item&gt;&lt;/nameSet&gt;</c>.</summary>
    public static XElement Items(string name, IEnumerable<object?> items) => new(name, items.Select(i => new XElement("item", i)));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Document(XElement root, XNamespace ns)
    {
        foreach (var element in root.DescendantsAndSelf())
        {
            element.Name = ns + element.Name.LocalName;
        }

        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting);
    }
}
