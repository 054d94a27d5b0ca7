using CloudIngress.Controller.Standalone;
using CloudIngress.Core.Build;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary><c>cloudingress serve --manifests DIR</c>: the standalone data plane, reloading when the directory changes.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var manifests = EnvOption.String("--manifests", "Directory (or file) of Kubernetes manifests to serve; watched for changes");
        manifests.Required = true;
        var ingressClass = EnvOption.String("--ingress-class", "IngressClass name served even when no IngressClass object names it",
            BuildOptions.DefaultIngressClassName);
        var flags = new ProxyFlags();
        var command = new Command("serve", "Serve a manifests directory with the Kestrel data plane; reloads on change") { manifests, ingressClass };
        foreach (var option in flags.All)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(manifests)!;
            if (!Directory.Exists(directory) && !File.Exists(directory))
            {
                await error.WriteLineAsync($"cloudingress serve: manifests directory \"{directory}\" does not exist");
                return ExitCodes.UnusableInput;
            }

            var (options, problem) = flags.Read(parse, output);
            if (options is null)
            {
                await error.WriteLineAsync($"cloudingress serve: {problem}");
                return ExitCodes.UnusableInput;
            }

            using var loggers = ConsoleLogging.Create();
            var server = new StandaloneServer(directory, options, ProxyFlags.BuildOptionsFor(parse.GetValue(ingressClass)!), loggers);
            try
            {
                await server.RunAsync(null, cancellationToken);
            }
            catch (IOException e)
            {
                await error.WriteLineAsync($"cloudingress serve: cannot listen: {e.Message}");
                return ExitCodes.UnusableInput;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
