namespace CloudIngress.Core.Providers;

public enum ProviderOptionKind
{
    String,
    Int,
    Bool,
}

/// <summary>
/// A flag a provider registers (<c>--aws-region</c>). The command line gives it an environment
/// twin (<c>CLOUDINGRESS_AWS_REGION</c>) and lists it in <c>--help</c>; the provider reads the
/// value back from <see cref="ProviderOptionValues"/>.
/// </summary>
public sealed record ProviderOption(string Flag, string Description, ProviderOptionKind Kind = ProviderOptionKind.String, string? Default = null);
