using CloudIngress.Controller.Cli;

return await CloudIngressCli.RunAsync(args, Console.Out, Console.Error);
