using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Providers.Azure.Naming;

/// <summary>
/// Names within Azure's rules for application gateways, load balancers, public IPs and their
/// children: 1–80 characters of letters, digits, <c>_ . -</c>, starting with a letter or digit
/// and ending with a letter, digit or <c>_</c>. A resource is <c>ci-&lt;cluster&gt;-&lt;readable&gt;-&lt;hash&gt;</c>:
/// the hash of the whole identity keeps names unique and stable however the readable part is cut.
/// </summary>
public static class AzureNames
{
    public const int MaxLength = 80;
    private const int HashLength = 10;
    private const int ClusterPart = 20;

    public static string Gateway(string cluster, string key) => Name(cluster, key, "agw");

    public static string LoadBalancer(string cluster, string key) => Name(cluster, key, "lb");

    public static string PublicIp(string cluster, string key) => Name(cluster, key, "pip");

    /// <summary>A child name: <paramref name="prefix"/>, a readable part, and a hash of <paramref name="identity"/>.</summary>
    public static string Child(string prefix, string readable, string identity)
    {
        var hash = Hash(prefix + "\n" + identity);
        var room = MaxLength - prefix.Length - HashLength - 2;
        var text = Clip(Sanitize(readable), room);
        return text.Length == 0 ? $"{prefix}-{hash}" : $"{prefix}-{text}-{hash}";
    }

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0])
        && (char.IsAsciiLetterOrDigit(name[^1]) || name[^1] == '_');

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..HashLength];

    private static string Name(string cluster, string key, string kind)
    {
        var hash = Hash($"{kind}\n{cluster}\n{key}");
        var clusterPart = Clip(Sanitize(cluster), ClusterPart);
        var room = MaxLength - "ci-".Length - clusterPart.Length - 2 - HashLength;
        var readable = Clip(Sanitize(key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]), room);
        return string.Join('-', new[] { "ci", clusterPart, readable, hash }.Where(p => p.Length > 0));
    }

    /// <summary>Lower-case letters and digits; other runs become one hyphen, none at the ends.</summary>
    private static string Sanitize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                result.Append(c);
            }
            else if (result.Length > 0 && result[^1] != '-')
            {
                result.Append('-');
            }
        }

        return result.ToString().Trim('-');
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length].TrimEnd('-');
}
