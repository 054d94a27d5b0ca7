using CloudIngress.Core.Annotations;

namespace CloudIngress.Core.Build;

/// <summary>How a route talks to a Service port; part of the pool's identity.</summary>
internal sealed record PoolSettings(
    BackendProtocol Protocol,
    LoadBalancingPolicy LoadBalancing = LoadBalancingPolicy.RoundRobin,
    HealthCheckSettings? HealthCheck = null,
    string? TlsSni = null,
    bool TlsVerify = true,
    string? CaSecret = null,
    ProxyProtocolVersion ProxyProtocol = ProxyProtocolVersion.None,
    TargetType TargetType = TargetType.Ip,
    TimeSpan? ConnectTimeout = null)
{
    public bool UsesTls => Protocol is BackendProtocol.Https or BackendProtocol.Grpcs;

    /// <summary>Pool ids: readable base, protocol when not HTTP, and a short hash when anything else differs from the defaults.</summary>
    public string PoolId(string serviceKey, string port)
    {
        var id = $"{serviceKey}:{port}";
        if (Protocol != BackendProtocol.Http)
        {
            id += "/" + Protocol.ToString().ToLowerInvariant();
        }

        if (this with { Protocol = BackendProtocol.Http } == new PoolSettings(BackendProtocol.Http))
        {
            return id;
        }

        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ToString()));
        return id + "#" + Convert.ToHexStringLower(digest.AsSpan(0, 4));
    }
}
