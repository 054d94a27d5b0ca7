using CloudIngress.Core.Providers;
using CloudIngress.Core.Snapshot;
using System.CommandLine;
using System.Globalization;

namespace CloudIngress.Controller.Cli;

/// <summary>
/// <c>--provider</c>, <c>--cluster-name</c> and every registered provider's own flags, on one
/// verb: all of them appear in <c>--help</c>; a flag of a provider other than the chosen one is
/// refused rather than silently ignored.
/// </summary>
internal sealed class ProviderFlags
{
    private readonly IReadOnlyList<IProviderDefinition> _providers;
    private readonly List<(IProviderDefinition Provider, ProviderOption Option, Option Flag, Func<ParseResult, string?> Read)> _flags = [];

    public ProviderFlags(IReadOnlyList<IProviderDefinition> providers, string? fallback = "kestrel")
    {
        _providers = providers;
        Provider = EnvOption.String("--provider",
            "Where Ingresses go: " + string.Join("; ", providers.Select(p => $"{p.Name} ({p.Summary})")), fallback);
        foreach (var provider in providers)
        {
            foreach (var option in provider.Options)
            {
                _flags.Add(option.Kind switch
                {
                    ProviderOptionKind.Int => Typed(provider, option, EnvOption.Int(option.Flag, option.Description, int.Parse(option.Default ?? "0", CultureInfo.InvariantCulture)),
                        v => v.ToString(CultureInfo.InvariantCulture)),
                    ProviderOptionKind.Bool => Typed(provider, option, EnvOption.Bool(option.Flag, option.Description), v => v ? "true" : null),
                    _ => Typed(provider, option, EnvOption.String(option.Flag, option.Description, option.Default), v => v),
                });
            }
        }
    }

    public Option<string> Provider { get; }

    public Option<string> ClusterName { get; } = EnvOption.String("--cluster-name", "Name of this cluster: tags and names of everything it owns in a cloud");

    public void AddTo(Command command)
    {
        command.Add(Provider);
        command.Add(ClusterName);
        foreach (var (_, _, flag, _) in _flags)
        {
            command.Add(flag);
        }
    }

    /// <summary>The chosen provider and its settings, or an error naming the flag (for exit code 2).</summary>
    public (IProviderDefinition? Provider, ProviderSettings? Settings, string? Error) Read(ParseResult parse, ProviderVerb verb, Action<string> warn,
        Func<ClusterSnapshot>? snapshot = null)
    {
        var name = parse.GetValue(Provider);
        var chosen = _providers.FirstOrDefault(p => p.Name == name);
        if (chosen is null)
        {
            return (null, null, $"--provider: \"{name}\" is not a provider (providers: {string.Join(", ", _providers.Select(p => p.Name))})");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (owner, option, flag, read) in _flags)
        {
            if (owner != chosen)
            {
                if (parse.GetResult(flag) is { Implicit: false })
                {
                    return (null, null, $"{option.Flag} is a flag of --provider {owner.Name}, not of {chosen.Name} (flags of {chosen.Name}: " +
                        (chosen.Options.Count == 0 ? "none" : string.Join(", ", chosen.Options.Select(o => o.Flag))) + ")");
                }

                continue;
            }

            if (read(parse) is { Length: > 0 } text)
            {
                values[option.Flag] = text;
            }
        }

        return (chosen, new ProviderSettings
        {
            Verb = verb,
            Values = new ProviderOptionValues(values),
            ClusterName = parse.GetValue(ClusterName),
            Warn = warn,
            Snapshot = snapshot,
        }, null);
    }

    private static (IProviderDefinition, ProviderOption, Option, Func<ParseResult, string?>) Typed<T>(
        IProviderDefinition provider, ProviderOption option, Option<T> flag, Func<T, string?> text) =>
        (provider, option, flag, parse => parse.GetValue(flag) is { } value ? text(value) : null);

    /// <summary>
    /// Runs <paramref name="body"/> with the configured provider, disposed after; a provider that cannot be configured is exit 2, named.
    /// <paramref name="snapshot"/> gives the provider the objects the verb read.
    /// </summary>
    public async Task<int> WithProviderAsync(ParseResult parse, ProviderVerb verb, TextWriter error, Func<IProvider, Task<int>> body,
        Func<ClusterSnapshot>? snapshot = null)
    {
        var (provider, problem) = Configure(parse, verb, w => error.WriteLine($"warning: {w}"), snapshot);
        if (provider is null)
        {
            await error.WriteLineAsync($"cloudingress {verb.ToString().ToLowerInvariant()}: {problem}");
            return ExitCodes.UnusableInput;
        }

        using (provider)
        {
            return await body(provider);
        }
    }

    /// <summary>Configures the chosen provider, or says why it cannot be.</summary>
    public (IProvider? Provider, string? Error) Configure(ParseResult parse, ProviderVerb verb, Action<string> warn, Func<ClusterSnapshot>? snapshot = null)
    {
        var (definition, settings, error) = Read(parse, verb, warn, snapshot);
        if (definition is null)
        {
            return (null, error);
        }

        var configured = definition.Configure(settings!);
        return (configured.Provider, configured.Error);
    }
}
