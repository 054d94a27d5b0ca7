namespace CloudIngress.Core.Annotations;

/// <summary>One entry of <c>listen-ports</c>: <c>[{"HTTP": 80}, {"HTTPS": 443}]</c>.</summary>
public sealed record ListenPort(bool Https, int Port);
