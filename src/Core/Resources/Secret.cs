using System.Text;

namespace CloudIngress.Core.Resources;

/// <summary><c>v1</c> Secret (<c>kubernetes.io/tls</c>, Opaque and the rest, read as data only).</summary>
public sealed record Secret : IKubernetesObject
{
    public const string ApiVersionValue = "v1";
    public const string KindValue = "Secret";
    public const string TlsType = "kubernetes.io/tls";
    public const string OpaqueType = "Opaque";
    public const string TlsCertKey = "tls.crt";
    public const string TlsPrivateKeyKey = "tls.key";
    public const string CaCertKey = "ca.crt";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public string? Type { get; init; }

    /// <summary>Values are base64, as on the wire.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary>Write-only convenience field; manifests use it, the API server folds it into data.</summary>
    public IReadOnlyDictionary<string, string>? StringData { get; init; }

    public bool? Immutable { get; init; }

    /// <summary>
    /// The decoded value of a key (<c>stringData</c> wins, as the API server merges it last), or null
    /// when the key is absent. Malformed base64 reports through <paramref name="malformed"/>.
    /// </summary>
    public byte[]? GetValue(string key, out bool malformed)
    {
        malformed = false;
        if (StringData is not null && StringData.TryGetValue(key, out var text))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if (Data is null || !Data.TryGetValue(key, out var encoded))
        {
            return null;
        }

        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(encoded, buffer, out var written))
        {
            return buffer[..written];
        }

        malformed = true;
        return null;
    }
}
