namespace CloudIngress.Kubernetes.Config;

/// <summary>The cluster configuration is unusable; the message names what is missing and where.</summary>
public sealed class KubernetesConfigException(string message) : Exception(message);
