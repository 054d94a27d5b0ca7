using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>Every flag has an environment variable twin: <c>--ingress-class</c> is <c>CLOUDINGRESS_INGRESS_CLASS</c>.</summary>
internal static class EnvOption
{
    public static string VariableFor(string flag) => "CLOUDINGRESS_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    public static Option<string> String(string flag, string description, string? fallback = null)
    {
        var variable = VariableFor(flag);
        var option = new Option<string>(flag) { Description = $"{description} [env: {variable}]" };
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnvironment) || fallback is not null)
        {
            option.DefaultValueFactory = _ => !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : fallback!;
        }

        return option;
    }

    public static Option<int> Int(string flag, string description, int fallback)
    {
        var variable = VariableFor(flag);
        var option = new Option<int>(flag) { Description = $"{description} [env: {variable}]" };
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        option.DefaultValueFactory = result =>
        {
            if (string.IsNullOrEmpty(fromEnvironment))
            {
                return fallback;
            }

            if (int.TryParse(fromEnvironment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            result.AddError($"{variable}: \"{fromEnvironment}\" is not a number");
            return fallback;
        };
        return option;
    }

    public static Option<bool> Bool(string flag, string description)
    {
        var variable = VariableFor(flag);
        var option = new Option<bool>(flag) { Description = $"{description} [env: {variable}]" };
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        option.DefaultValueFactory = _ => string.Equals(fromEnvironment, "true", StringComparison.OrdinalIgnoreCase) || fromEnvironment == "1";
        return option;
    }
}
