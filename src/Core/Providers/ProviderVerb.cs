namespace CloudIngress.Core.Providers;

/// <summary>What the provider is configured for; a plan may work offline where an apply needs credentials.</summary>
public enum ProviderVerb
{
    Plan,
    Apply,
    Destroy,
    Run,
}
