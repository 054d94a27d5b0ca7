namespace CloudIngress.Core.Providers;

/// <summary>
/// A provider as the command line sees it before it is configured: its name, what it does, and
/// its flags. Controller registers one per provider project and nothing else knows them all.
/// </summary>
public interface IProviderDefinition
{
    /// <summary><c>--provider</c> value: lower case, stable.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Summary { get; }

    IReadOnlyList<ProviderOption> Options { get; }

    /// <summary>
    /// Validates the settings for the verb and returns the provider, or a message naming the flag
    /// that is missing or wrong. Does no IO: credentials are looked up when first used.
    /// </summary>
    ProviderConfiguration Configure(ProviderSettings settings);
}

/// <summary>A configured provider, or why there is none.</summary>
public sealed record ProviderConfiguration
{
    public IProvider? Provider { get; private init; }

    public string? Error { get; private init; }

    public static ProviderConfiguration Ok(IProvider provider) => new() { Provider = provider };

    public static ProviderConfiguration Fail(string error) => new() { Error = error };
}
