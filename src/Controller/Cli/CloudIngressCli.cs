using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>The <c>cloudingress</c> command: one executable, verbs sharing flags and the manifests loader.</summary>
public static class CloudIngressCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("CloudIngress: Ingresses and LoadBalancer Services onto cloud load balancers or its own proxy.")
        {
            PlanCommand.Create(output, error),
            ServeCommand.Create(output, error),
            DemoCommand.Create(output, error),
            RunCommand.Create(output, error),
            AwsCommands.Apply(output, error),
            AwsCommands.Destroy(output, error),
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
