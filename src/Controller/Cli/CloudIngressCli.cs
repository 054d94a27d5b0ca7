using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>The <c>cloudingress</c> command: one executable, verbs sharing flags and the manifests loader.</summary>
public static class CloudIngressCli
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, ProviderRegistry.All, output, error, cancellationToken);

    /// <summary>The command with the given providers (tests add their own).</summary>
    internal static async Task<int> RunAsync(string[] args, IReadOnlyList<Core.Providers.IProviderDefinition> providers, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("CloudIngress: Ingresses and LoadBalancer Services onto cloud load balancers or its own proxy.")
        {
            PlanCommand.Create(providers, output, error),
            ApplyCommand.Apply(providers, output, error),
            ApplyCommand.Destroy(providers, output, error),
            ServeCommand.Create(output, error),
            DemoCommand.Create(output, error),
            RunCommand.Create(providers, output, error),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"cloudingress: {parseError.Message}");
            }

            await error.WriteLineAsync("Run 'cloudingress --help' for usage.");
            return ExitCodes.UnusableInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
