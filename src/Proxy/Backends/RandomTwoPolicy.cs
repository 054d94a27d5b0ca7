namespace CloudIngress.Proxy.Backends;

/// <summary>Power of two choices: two random endpoints, the less busy one wins.</summary>
internal sealed class RandomTwoPolicy : ILoadBalancingPolicy
{
    public EndpointState Pick(ReadOnlySpan<EndpointState> available)
    {
        if (available.Length == 1)
        {
            return available[0];
        }

        var a = Random.Shared.Next(available.Length);
        var b = Random.Shared.Next(available.Length - 1);
        if (b >= a)
        {
            b++;
        }

        return available[a].ActiveRequests <= available[b].ActiveRequests ? available[a] : available[b];
    }
}
