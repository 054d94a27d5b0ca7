using CloudIngress.Core.Model;
using System.Net;

namespace CloudIngress.Proxy.Policies;

/// <summary>A route's policy, compiled: who may come in, who they must be, and how the request is reshaped.</summary>
internal sealed class EdgePolicy
{
    public EdgePolicy(RoutePolicy policy)
    {
        AllowedSources = policy.SourceRanges?.Select(IPNetwork.Parse).ToArray();
        Auth = policy.BasicAuth is { } auth ? new BasicAuthenticator(auth) : null;
        RewriteTarget = policy.RewriteTarget;
        RequestTimeout = policy.RequestTimeout;
        MaxRequestBodyBytes = policy.MaxRequestBodyBytes;
    }

    /// <summary>Null: everyone. Empty: nobody.</summary>
    public IPNetwork[]? AllowedSources { get; }

    public BasicAuthenticator? Auth { get; }

    public string? RewriteTarget { get; }

    public TimeSpan? RequestTimeout { get; }

    public long? MaxRequestBodyBytes { get; }

    public static bool IsAllowed(IPNetwork[]? allowed, IPAddress? remote)
    {
        if (allowed is null)
        {
            return true;
        }

        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        foreach (var network in allowed)
        {
            if (network.Contains(remote))
            {
                return true;
            }
        }

        return false;
    }
}
