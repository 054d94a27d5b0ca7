namespace CloudIngress.Core.Annotations;

/// <summary>
/// A canary Ingress adds its backend to the route of a primary Ingress with the same host and
/// path instead of conflicting with it. Header rules are checked before the weight.
/// </summary>
public sealed record CanarySettings(int Weight, string? Header, string? HeaderValue);
