using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Providers.Aws;
using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
using System.CommandLine;
using System.Globalization;

namespace CloudIngress.Controller.Cli;

/// <summary><c>apply</c> and <c>destroy</c>: one reconcile against a cloud, from a manifests directory, and its undoing.</summary>
internal static class AwsCommands
{
    public static Command Apply(TextWriter output, TextWriter error)
    {
        var manifests = EnvOption.String("--manifests", "Directory (or file) of Kubernetes manifests: *.yaml, *.yml, *.json, recursively");
        manifests.Required = true;
        var provider = EnvOption.String("--provider", "Cloud provider: aws");
        provider.Required = true;
        var ingressClass = EnvOption.String("--ingress-class", "IngressClass name served even when no IngressClass object names it", BuildOptions.DefaultIngressClassName);
        var aws = new AwsFlags();
        var command = new Command("apply", "One reconcile against a cloud: create, change and delete load balancers to match the manifests; prints DNS names and API calls")
        {
            manifests, provider, ingressClass,
        };
        foreach (var option in aws.All)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            if (!IsAws(parse.GetValue(provider), "apply", error))
            {
                return ExitCodes.UnusableInput;
            }

            var loaded = Load(parse.GetValue(manifests)!, parse.GetValue(ingressClass)!, "apply", error);
            if (loaded is null)
            {
                return ExitCodes.UnusableInput;
            }

            var (options, settings, problem) = aws.Read(parse, needsRegion: true, w => error.WriteLine($"warning: {w}"));
            if (problem is not null)
            {
                await error.WriteLineAsync($"cloudingress apply: {problem}");
                return ExitCodes.UnusableInput;
            }

            using var clients = new AwsClients(settings!, AwsCredentialChain.Default());
            var awsProvider = new AwsProvider(clients, options!);
            AwsApplyResult result;
            try
            {
                result = await awsProvider.ApplyAsync(loaded.Value.Model, ct);
            }
            catch (Exception e) when (e is AwsApplyIncompleteException or AwsServiceException or AwsConfigurationException or HttpRequestException)
            {
                await error.WriteLineAsync($"cloudingress apply: {e.Message}");
                WriteCalls(clients, output);
                return ExitCodes.CloudFailed;
            }

            var diagnostics = loaded.Value.Diagnostics.Concat(result.Plan.Diagnostics).Select(loaded.Value.Manifests.Locate).Distinct().Order().ToList();
            WriteDiagnostics(diagnostics, output);
            foreach (var frontend in result.Addresses.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"{frontend.Key}: {string.Join(", ", frontend.Value)}");
            }

            foreach (var member in result.MemberAddresses.OrderBy(m => m.Key))
            {
                await output.WriteLineAsync($"  {member.Key} -> {member.Value}");
            }

            await output.WriteLineAsync($"changes: {result.Executed.Count.ToString(CultureInfo.InvariantCulture)}");
            WriteCalls(clients, output);
            return diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? ExitCodes.ObjectErrors : ExitCodes.Ok;
        });
        return command;
    }

    public static Command Destroy(TextWriter output, TextWriter error)
    {
        var provider = EnvOption.String("--provider", "Cloud provider: aws");
        provider.Required = true;
        var aws = new AwsFlags();
        var command = new Command("destroy", "Delete everything this cluster owns in the cloud (found by its cloudingress.io/cluster tag)") { provider };
        foreach (var option in aws.All)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            if (!IsAws(parse.GetValue(provider), "destroy", error))
            {
                return ExitCodes.UnusableInput;
            }

            var (options, settings, problem) = aws.Read(parse, needsRegion: true, w => error.WriteLine($"warning: {w}"));
            if (problem is not null)
            {
                await error.WriteLineAsync($"cloudingress destroy: {problem}");
                return ExitCodes.UnusableInput;
            }

            using var clients = new AwsClients(settings!, AwsCredentialChain.Default());
            try
            {
                var result = await new AwsProvider(clients, options!).DestroyAsync(ct);
                foreach (var op in result.Executed)
                {
                    await output.WriteLineAsync(op.ToString());
                }

                await output.WriteLineAsync($"deleted: {result.Executed.Count.ToString(CultureInfo.InvariantCulture)} (cluster {options!.ClusterName} owns nothing in {settings!.Region} now)");
            }
            catch (Exception e) when (e is AwsApplyIncompleteException or AwsServiceException or AwsConfigurationException or HttpRequestException)
            {
                await error.WriteLineAsync($"cloudingress destroy: {e.Message}");
                WriteCalls(clients, output);
                return ExitCodes.CloudFailed;
            }

            WriteCalls(clients, output);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>plan --provider aws</c>: against what exists when a region is given, else what a first apply would create.</summary>
    public static async Task<int> PlanAsync(Core.Model.GatewayModel model, ManifestSet manifests, IReadOnlyList<Diagnostic> diagnostics, AwsFlags aws, ParseResult parse,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        var (options, settings, problem) = aws.Read(parse, needsRegion: false, w => error.WriteLine($"warning: {w}"));
        if (problem is not null)
        {
            await error.WriteLineAsync($"cloudingress plan: {problem}");
            return ExitCodes.UnusableInput;
        }

        AwsPlan plan;
        IReadOnlyList<AwsOperation> operations;
        if (settings is null)
        {
            (plan, operations) = AwsProvider.PlanOffline(model, options!);
            await output.WriteLineAsync("(no --aws-region: planned against an empty account, without certificate discovery)");
        }
        else
        {
            using var clients = new AwsClients(settings, AwsCredentialChain.Default());
            try
            {
                (plan, operations) = await new AwsProvider(clients, options!).PlanAsync(model, ct);
            }
            catch (Exception e) when (e is AwsServiceException or HttpRequestException or AwsConfigurationException)
            {
                await error.WriteLineAsync($"cloudingress plan: {e.Message}");
                return ExitCodes.CloudFailed;
            }
        }

        var all = diagnostics.Concat(plan.Diagnostics).Select(manifests.Locate).Distinct().Order().ToList();
        WriteDiagnostics(all, output);
        foreach (var lb in plan.LoadBalancers)
        {
            await output.WriteLineAsync($"load balancer {lb.Name} ({lb.Type}, {lb.Scheme}) for {lb.FrontendId}: {string.Join(", ", lb.Members)}");
            foreach (var listener in lb.Listeners)
            {
                await output.WriteLineAsync($"  {listener.Protocol}:{listener.Port} default {listener.DefaultAction}" +
                    (listener.Certificates.Count > 0 ? $" certificates {string.Join(", ", listener.Certificates)}" : string.Empty));
                foreach (var rule in listener.Rules)
                {
                    await output.WriteLineAsync($"    {rule}");
                }
            }
        }

        await output.WriteLineAsync($"operations: {operations.Count.ToString(CultureInfo.InvariantCulture)}");
        foreach (var op in operations)
        {
            await output.WriteLineAsync($"  {op}");
        }

        return all.Any(d => d.Severity == DiagnosticSeverity.Error) ? ExitCodes.ObjectErrors : ExitCodes.Ok;
    }

    private static bool IsAws(string? provider, string verb, TextWriter error)
    {
        if (provider == "aws")
        {
            return true;
        }

        error.WriteLine($"cloudingress {verb}: --provider: \"{provider}\" is not available in this build (available: aws)");
        return false;
    }

    private static (Core.Model.GatewayModel Model, ManifestSet Manifests, IReadOnlyList<Diagnostic> Diagnostics)? Load(string directory, string ingressClass, string verb, TextWriter error)
    {
        if (PlanCommand.LoadManifests(directory, verb, error) is not { } manifests)
        {
            return null;
        }

        var model = ModelBuilder.Build(manifests.Snapshot, BuildOptions.Default with { IngressClassName = ingressClass, Now = DateTimeOffset.UtcNow });
        return (model, manifests, [.. manifests.Diagnostics.Concat(model.Diagnostics)]);
    }

    private static void WriteDiagnostics(IEnumerable<Diagnostic> diagnostics, TextWriter output)
    {
        foreach (var d in diagnostics)
        {
            output.WriteLine(d.ToString());
        }
    }

    private static void WriteCalls(AwsClients clients, TextWriter output)
    {
        var calls = clients.Calls;
        output.WriteLine($"API calls: {calls.Values.Sum().ToString(CultureInfo.InvariantCulture)} ({calls.Where(c => AwsClients.IsMutating(c.Key)).Sum(c => c.Value).ToString(CultureInfo.InvariantCulture)} mutating)");
        foreach (var (operation, count) in calls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {operation} {count.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
