using CloudIngress.Core.Model;

namespace CloudIngress.Core.Providers;

/// <summary>The proxy running in this process (every replica has one); the Kestrel provider swaps its configuration.</summary>
public interface ILocalDataPlane
{
    /// <summary>Swaps in <paramref name="model"/> without dropping connections; returns what could not be served as asked.</summary>
    IReadOnlyList<string> Apply(GatewayModel model);
}
