namespace CloudIngress.Kubernetes.Config;

/// <summary>What the command line says about reaching the cluster.</summary>
public sealed record KubeConfigOptions
{
    /// <summary><c>--kubeconfig</c>; otherwise KUBECONFIG, in-cluster, then ~/.kube/config.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>A context other than the file's current-context.</summary>
    public string? Context { get; init; }

    /// <summary>Accept clusters that set insecure-skip-tls-verify (refused unless asked for).</summary>
    public bool AllowInsecure { get; init; }
}
