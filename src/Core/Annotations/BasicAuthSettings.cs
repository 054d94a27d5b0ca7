namespace CloudIngress.Core.Annotations;

/// <summary>
/// Basic authentication from an htpasswd-format secret. A null <see cref="SecretName"/> means the
/// configuration is unusable: the route then admits nobody (fail closed).
/// </summary>
public sealed record BasicAuthSettings(string Realm, string? SecretName);
