using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudIngress.Controller.Output;

/// <summary>Any provider's plan as <c>plan</c> prints it: text for people, JSON for tools.</summary>
internal static class PlanWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteText(ProviderPlan plan, IReadOnlyList<Diagnostic> diagnostics, TextWriter w)
    {
        foreach (var note in plan.Notes)
        {
            w.WriteLine(note);
        }

        foreach (var line in plan.Text)
        {
            w.WriteLine(line);
        }

        w.WriteLine($"operations: {plan.Operations.Count.ToString(CultureInfo.InvariantCulture)}");
        foreach (var operation in plan.Operations)
        {
            w.WriteLine($"  {operation}");
        }

        ModelText.WriteDiagnostics(diagnostics, w);
    }

    /// <summary><c>{"provider", ...the provider's resources..., "operations", "diagnostics", "notes"}</c>.</summary>
    public static void WriteJson(ProviderPlan plan, IReadOnlyList<Diagnostic> diagnostics, TextWriter w)
    {
        var json = new JsonObject { ["provider"] = plan.Provider };
        foreach (var (name, value) in plan.Resources)
        {
            json[name] = value?.DeepClone();
        }

        json["operations"] = new JsonArray([.. plan.Operations.Select(o => (JsonNode)new JsonObject
        {
            ["action"] = o.Action.ToString().ToLowerInvariant(),
            ["call"] = o.Call,
            ["subject"] = o.Subject,
        })]);
        json["diagnostics"] = JsonSerializer.SerializeToNode(diagnostics, ModelJsonContext.Default.IReadOnlyListDiagnostic);
        json["notes"] = new JsonArray([.. plan.Notes.Select(n => (JsonNode)JsonValue.Create(n))]);
        w.WriteLine(json.ToJsonString(Indented));
    }
}
