using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using System.CommandLine;
using System.Globalization;

namespace CloudIngress.Controller.Cli;

/// <summary>
/// <c>apply</c>: one reconcile of a manifests directory against a provider's target; and
/// <c>destroy</c>: everything the cluster owns there deleted. Both print the changes and the API
/// calls by operation; exit 3 when the target did not converge or refused.
/// </summary>
internal static class ApplyCommand
{
    public static Command Apply(IReadOnlyList<IProviderDefinition> providers, TextWriter output, TextWriter error)
    {
        var input = new ManifestInput();
        var flags = new ProviderFlags(providers, fallback: null);
        flags.Provider.Required = true;
        var command = new Command("apply", "One reconcile against a provider's target: create, change and delete load balancers to match the manifests; prints addresses and API calls");
        input.AddTo(command);
        flags.AddTo(command);
        command.SetAction((parse, ct) =>
            flags.WithProviderAsync(parse, ProviderVerb.Apply, error, async provider =>
            {
                if (input.Load(parse, "apply", error) is not var (model, manifests, _))
                {
                    return ExitCodes.UnusableInput;
                }

                ProviderApplyResult result;
                try
                {
                    result = await provider.ApplyAsync(model, fullResync: true, ct);
                }
                catch (ProviderException e)
                {
                    await error.WriteLineAsync($"cloudingress apply: {e.Message}");
                    WriteDiagnostics(e.Diagnostics.Select(manifests.Locate), output);
                    WriteCalls(e.Calls, output);
                    return ExitCodes.CloudFailed;
                }

                var diagnostics = model.Diagnostics.Concat(result.Diagnostics).Select(manifests.Locate).Distinct().Order().ToList();
                WriteDiagnostics(diagnostics, output);
                foreach (var warning in result.Warnings)
                {
                    await error.WriteLineAsync($"warning: {warning}");
                }

                foreach (var (frontend, addresses) in result.ByFrontend.OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    await output.WriteLineAsync($"{frontend}: {string.Join(", ", addresses)}");
                }

                foreach (var (member, addresses) in result.ByMember.OrderBy(m => m.Key))
                {
                    await output.WriteLineAsync($"  {member} -> {string.Join(", ", addresses)}");
                }

                await output.WriteLineAsync($"changes: {result.Executed.Count.ToString(CultureInfo.InvariantCulture)}");
                WriteCalls(result.Calls, output);
                return diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? ExitCodes.ObjectErrors : ExitCodes.Ok;
            }, () => input.Snapshot));
        return command;
    }

    public static Command Destroy(IReadOnlyList<IProviderDefinition> providers, TextWriter output, TextWriter error)
    {
        var flags = new ProviderFlags(providers, fallback: null);
        flags.Provider.Required = true;
        var command = new Command("destroy", "Delete everything this cluster owns in a provider's target (found by its cloudingress.io/cluster tag)");
        flags.AddTo(command);
        command.SetAction((parse, ct) =>
            flags.WithProviderAsync(parse, ProviderVerb.Destroy, error, async provider =>
            {
                try
                {
                    var result = await provider.DestroyAsync(ct);
                    foreach (var operation in result.Executed)
                    {
                        await output.WriteLineAsync(operation.ToString());
                    }

                    var cluster = parse.GetValue(flags.ClusterName) is { Length: > 0 } name ? $"cluster {name}" : "this cluster";
                    await output.WriteLineAsync($"deleted: {result.Executed.Count.ToString(CultureInfo.InvariantCulture)} ({cluster} owns nothing in {provider.Name} now)");
                    WriteCalls(result.Calls, output);
                    return ExitCodes.Ok;
                }
                catch (ProviderException e)
                {
                    await error.WriteLineAsync($"cloudingress destroy: {e.Message}");
                    WriteCalls(e.Calls, output);
                    return ExitCodes.CloudFailed;
                }
            }));
        return command;
    }

    private static void WriteDiagnostics(IEnumerable<Diagnostic> diagnostics, TextWriter output)
    {
        foreach (var d in diagnostics)
        {
            output.WriteLine(d.ToString());
        }
    }

    private static void WriteCalls(IReadOnlyList<ApiCall> calls, TextWriter output)
    {
        output.WriteLine($"API calls: {calls.Sum(c => c.Count).ToString(CultureInfo.InvariantCulture)} ({calls.Where(c => c.Mutating).Sum(c => c.Count).ToString(CultureInfo.InvariantCulture)} mutating)");
        foreach (var call in calls)
        {
            output.WriteLine($"  {call.Operation} {call.Count.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
