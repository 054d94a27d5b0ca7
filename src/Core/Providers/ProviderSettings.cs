using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Providers;

/// <summary>Everything a provider is configured from: its flags, the flags every provider shares, and the process it runs in.</summary>
public sealed record ProviderSettings
{
    public required ProviderVerb Verb { get; init; }

    public ProviderOptionValues Values { get; init; } = ProviderOptionValues.None;

    /// <summary><c>--cluster-name</c>: names and tags everything this cluster owns in a cloud.</summary>
    public string? ClusterName { get; init; }

    /// <summary>Addresses to publish for frontends the provider serves itself (<c>--publish-address</c>).</summary>
    public IReadOnlyList<string> PublishAddresses { get; init; } = [];

    /// <summary>The proxy of this process, in <c>serve</c> and <c>run</c>; null for one-shot verbs.</summary>
    public ILocalDataPlane? DataPlane { get; init; }

    /// <summary>
    /// The objects the verb read (the manifests directory), for providers whose plan depends on
    /// Kubernetes objects the model does not carry (MetalLB: every LoadBalancer Service, the
    /// address pools). Called when the provider observes; null where nothing was read for it.
    /// </summary>
    public Func<ClusterSnapshot>? Snapshot { get; init; }

    /// <summary>
    /// What the process shares with providers that write Kubernetes objects themselves (in
    /// <c>run</c> against a cluster: the API client, by its type); null where there is nothing.
    /// </summary>
    public IServiceProvider? Services { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the provider reports what it works around (a warning line each).</summary>
    public Action<string> Warn { get; init; } = _ => { };
}
