namespace CloudIngress.Emulators.Azure;

public sealed record ArmEmulatorOptions
{
    public string Subscription { get; init; } = "11111111-2222-3333-4444-555555555555";

    public IReadOnlyList<string> ResourceGroups { get; init; } = ["cloudingress-test"];

    public string Location { get; init; } = "westeurope";

    /// <summary>The bearer token every request must carry.</summary>
    public string Token { get; init; } = "emulator-token";

    /// <summary>Subnets that exist (their virtual networks do too); ids as ARM writes them.</summary>
    public IReadOnlyList<string> Subnets { get; init; } =
    [
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/appgw",
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/lb",
    ];

    /// <summary>Polls of an operation that answer InProgress before it completes.</summary>
    public int PollsToComplete { get; init; } = 2;

    /// <summary>The Retry-After (seconds) sent with 201/202 and InProgress answers.</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>Items per list page (a nextLink follows when there are more).</summary>
    public int PageSize { get; init; } = 50;
}
