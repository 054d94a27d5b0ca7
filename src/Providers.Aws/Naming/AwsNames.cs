using System.Security.Cryptography;
using System.Text;

namespace CloudIngress.Providers.Aws.Naming;

/// <summary>
/// Names for load balancers and target groups. ELBv2 allows at most 32 characters of
/// <c>[a-zA-Z0-9-]</c>, no hyphen at either end, and no load balancer name starting with
/// <c>internal-</c>. A name is <c>ci-&lt;cluster&gt;-&lt;readable part&gt;-&lt;hash&gt;</c>: the readable
/// parts are shortened to fit, and the hash of the full cluster and resource identity keeps
/// names unique and stable, so the same desired resource always gets the same name.
/// </summary>
public static class AwsNames
{
    public const int MaxLength = 32;
    private const int HashLength = 10;
    private const int ClusterPart = 8;

    /// <summary>A load balancer name for <paramref name="resourceId"/> (e.g. <c>ingress/shop</c>).</summary>
    public static string LoadBalancer(string cluster, string resourceId) => Name(cluster, resourceId, "lb");

    /// <summary>A target group name; <paramref name="resourceId"/> includes everything that forces a new group (port, protocol, target type).</summary>
    public static string TargetGroup(string cluster, string resourceId) => Name(cluster, resourceId, "tg");

    /// <summary>A security group name (EC2 allows 255 characters; the same shape keeps them recognisable).</summary>
    public static string SecurityGroup(string cluster, string resourceId) => Name(cluster, resourceId, "sg");

    /// <summary>True when ELBv2 would accept <paramref name="name"/> as a load balancer or target group name.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.StartsWith("internal-", StringComparison.OrdinalIgnoreCase);

    private static string Name(string cluster, string resourceId, string kind)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{cluster}\n{resourceId}")))[..HashLength];
        var clusterPart = Clip(Sanitize(cluster), ClusterPart);
        var room = MaxLength - "ci-".Length - clusterPart.Length - 1 - 1 - HashLength; // ci-<cluster>-<readable>-<hash>
        var readable = Clip(Sanitize(resourceId[(resourceId.IndexOf('/', StringComparison.Ordinal) + 1)..]), room);
        var parts = new[] { "ci", clusterPart, readable, hash }.Where(p => p.Length > 0);
        return string.Join('-', parts);
    }

    /// <summary>Lower-case letters and digits, other runs collapsed to one hyphen, none at the ends.</summary>
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
