using CloudIngress.Core.Annotations;
using CloudIngress.Core.Model;

namespace CloudIngress.Core.Routing;

/// <summary>Ingress host semantics: validation as the API server does it, and matching.</summary>
public static class HostNames
{
    public const string AnyHost = "*";

    /// <summary>
    /// Classifies a rule host. Valid hosts are lowercase DNS names, optionally with a single
    /// leading <c>*.</c> label; IP addresses and ports are refused as the API server refuses them.
    /// </summary>
    public static bool TryClassify(string? host, out HostMatchKind kind, out string error)
    {
        error = string.Empty;
        kind = HostMatchKind.Any;
        if (string.IsNullOrEmpty(host))
        {
            return true;
        }

        kind = host.StartsWith("*.", StringComparison.Ordinal) ? HostMatchKind.Wildcard : HostMatchKind.Exact;
        var name = kind == HostMatchKind.Wildcard ? host[2..] : host;
        if (ValueParsers.TryParseIp(host, out _))
        {
            error = "must be a DNS name, not an IP address";
        }
        else if (name.Contains('*', StringComparison.Ordinal))
        {
            error = "a wildcard is only allowed as the whole first label (*.example.com)";
        }
        else if (!ValueParsers.IsDnsSubdomain(name))
        {
            error = "must be a lowercase DNS name (letters, digits, '-' and '.')";
        }
        else if (kind == HostMatchKind.Wildcard && !name.Contains('.', StringComparison.Ordinal))
        {
            error = "a wildcard needs at least two more labels (*.example.com)";
        }

        return error.Length == 0;
    }

    /// <summary>
    /// Does a request host (no port, any case, optional trailing dot) match a rule host?
    /// <c>*.foo.com</c> matches exactly one extra label: <c>bar.foo.com</c>, not <c>foo.com</c>
    /// nor <c>a.bar.foo.com</c>.
    /// </summary>
    public static bool Matches(string ruleHost, HostMatchKind kind, ReadOnlySpan<char> requestHost)
    {
        if (requestHost.EndsWith("."))
        {
            requestHost = requestHost[..^1];
        }

        switch (kind)
        {
            case HostMatchKind.Any:
                return true;
            case HostMatchKind.Exact:
                return requestHost.Equals(ruleHost, StringComparison.OrdinalIgnoreCase);
            default:
                var suffix = ruleHost.AsSpan(1); // ".foo.com"
                if (requestHost.Length <= suffix.Length
                    || !requestHost.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                var label = requestHost[..^suffix.Length];
                return !label.Contains('.');
        }
    }
}
