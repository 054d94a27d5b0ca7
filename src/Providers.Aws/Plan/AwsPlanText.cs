using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CloudIngress.Providers.Aws.Plan;

/// <summary>An AWS plan as <c>plan</c> prints it: one line per load balancer, listener and rule; or as JSON.</summary>
public static class AwsPlanText
{
    public static IEnumerable<string> Lines(AwsPlan plan)
    {
        foreach (var lb in plan.LoadBalancers)
        {
            yield return $"load balancer {lb.Name} ({lb.Type}, {lb.Scheme}) for {lb.FrontendId}: {string.Join(", ", lb.Members)}";
            foreach (var listener in lb.Listeners)
            {
                yield return $"  {listener.Protocol}:{listener.Port} default {listener.DefaultAction}" +
                    (listener.Certificates.Count > 0 ? $" certificates {string.Join(", ", listener.Certificates)}" : string.Empty);
                foreach (var rule in listener.Rules)
                {
                    yield return $"    {rule}";
                }
            }
        }
    }

    /// <summary>The plan's resources (its diagnostics are printed with the others by <c>plan</c>).</summary>
    public static JsonObject Json(AwsPlan plan)
    {
        var json = JsonSerializer.SerializeToNode(plan with { Diagnostics = [] }, AwsPlanJsonContext.Default.AwsPlan)!.AsObject();
        json.Remove("diagnostics");
        return json;
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(AwsPlan))]
internal sealed partial class AwsPlanJsonContext : JsonSerializerContext;
