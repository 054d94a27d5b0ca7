using CloudIngress.Core.Model;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Policies;

namespace CloudIngress.Proxy.Routing;

internal sealed class CompiledRoute
{
    public required string Id { get; init; }

    public required PathMatchKind Kind { get; init; }

    public required string Path { get; init; }

    public required CompiledAction Action { get; init; }

    public required RouteMetrics Metrics { get; init; }

    public EdgePolicy? Policy { get; init; }
}
