using CloudIngress.Core.Build;
using CloudIngress.Core.Model;

namespace CloudIngress.Controller.Reconcile;

/// <summary>The Build stage for every verb: the model of an observation, with the source's own problems among its diagnostics, each located.</summary>
internal static class BuildStage
{
    public static GatewayModel Build(Observation observation, BuildOptions options, DateTimeOffset now)
    {
        var built = ModelBuilder.Build(observation.Snapshot, options with { Now = now });
        return built with { Diagnostics = [.. observation.Diagnostics.Concat(built.Diagnostics).Select(observation.Locate).Distinct().Order()] };
    }
}
