namespace CloudIngress.Core.Resources;

/// <summary>The fields every Kubernetes object shares.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; }

    string? Kind { get; }

    ObjectMeta Metadata { get; }
}
