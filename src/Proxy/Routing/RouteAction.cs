using CloudIngress.Core.Model;
using CloudIngress.Proxy.Backends;

namespace CloudIngress.Proxy.Routing;

/// <summary>A compiled route action with its pools resolved.</summary>
internal sealed class CompiledAction
{
    public required RouteActionKind Kind { get; init; }

    public (BackendRuntime Backend, int Weight)[] Backends { get; init; } = [];

    public int TotalWeight { get; init; }

    public CompiledCanary? Canary { get; init; }

    public int StatusCode { get; init; }

    public int RedirectPort { get; init; }

    public static readonly CompiledAction NotFound = new() { Kind = RouteActionKind.FixedResponse, StatusCode = 404 };

    /// <summary>The request field that steers the canary, if the route has one.</summary>
    public string? CanaryHeader => Canary?.Header;

    /// <summary>
    /// Picks the pool for a request: canary header (<paramref name="canaryValue"/>, the value of
    /// <see cref="CanaryHeader"/> in the request, null when absent), then canary weight, then the
    /// weighted primaries.
    /// </summary>
    public BackendRuntime? SelectBackend(string? canaryValue)
    {
        if (Canary is { } canary)
        {
            if (canary.Header is not null && canaryValue is { } text)
            {
                if (canary.HeaderValue is null ? string.Equals(text, "always", StringComparison.OrdinalIgnoreCase)
                                               : string.Equals(text, canary.HeaderValue, StringComparison.Ordinal))
                {
                    return canary.Backend;
                }

                if (canary.HeaderValue is null && string.Equals(text, "never", StringComparison.OrdinalIgnoreCase))
                {
                    return PickPrimary();
                }
            }

            if (canary.Weight > 0 && Random.Shared.Next(100) < canary.Weight)
            {
                return canary.Backend;
            }
        }

        return PickPrimary();
    }

    private BackendRuntime? PickPrimary()
    {
        if (Backends.Length == 1)
        {
            return Backends[0].Backend;
        }

        var roll = Random.Shared.Next(Math.Max(TotalWeight, 1));
        foreach (var (backend, weight) in Backends)
        {
            if ((roll -= weight) < 0)
            {
                return backend;
            }
        }

        return Backends.Length > 0 ? Backends[^1].Backend : null;
    }
}

internal sealed record CompiledCanary(BackendRuntime Backend, int Weight, string? Header, string? HeaderValue);
