using CloudIngress.Controller.Output;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>
/// <c>cloudingress plan --manifests DIR [--provider P] [--output text|json]</c>: the provider's plan of the
/// manifests (for Kestrel, the default, the model itself) and the operations an apply would start
/// with, with every diagnostic. Reads, never writes.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(IReadOnlyList<IProviderDefinition> providers, TextWriter output, TextWriter error)
    {
        var input = new ManifestInput();
        var format = EnvOption.String("--output", "Output format: text or json", "text");
        format.AcceptOnlyFromAmong("text", "json");
        var flags = new ProviderFlags(providers);
        var command = new Command("plan", "Build the model from manifests and print a provider's plan (default kestrel: frontends, listeners, routes, backends), its operations and diagnostics");
        input.AddTo(command);
        command.Add(format);
        flags.AddTo(command);
        command.SetAction((parse, ct) =>
            flags.WithProviderAsync(parse, ProviderVerb.Plan, error, async provider =>
            {
                if (input.Load(parse, "plan", error) is not var (model, manifests, skipped))
                {
                    return ExitCodes.UnusableInput;
                }

                ProviderPlan plan;
                try
                {
                    plan = await provider.PlanAsync(model, ct);
                }
                catch (ProviderException e)
                {
                    await error.WriteLineAsync($"cloudingress plan: {e.Message}");
                    return ExitCodes.CloudFailed;
                }

                // Objects of other controllers are listed too, so a forgotten ingressClassName explains an empty plan.
                var diagnostics = model.Diagnostics.Concat(plan.Diagnostics).Concat(skipped).Select(manifests.Locate).Distinct().Order().ToList();
                if (parse.GetValue(format) == "json")
                {
                    PlanWriter.WriteJson(plan, diagnostics, output);
                }
                else
                {
                    PlanWriter.WriteText(plan, diagnostics, output);
                }

                return diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? ExitCodes.ObjectErrors : ExitCodes.Ok;
            }, () => input.Snapshot));
        return command;
    }
}
