using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CloudIngress.Core.Model;

/// <summary>
/// A stable content hash of a model: equal for equal models, whatever object instances hold
/// them, so an unchanged snapshot can skip recompiling the proxy and reading the cloud. It covers
/// what the JSON model leaves out (keys, certificate PEMs, CA bundles, password hashes), since
/// a rotated certificate with the same name is a change; the hash itself reveals none of it.
/// </summary>
public static class ModelFingerprint
{
    /// <summary>
    /// A model is immutable once built, and one pass fingerprints the same instance more than once
    /// (the reconciler, then the proxy it is applied to): hashed once per instance.
    /// </summary>
    private static readonly ConditionalWeakTable<GatewayModel, string> Computed = [];

    public static string Of(GatewayModel model) => Computed.GetValue(model, Compute);

    private static string Compute(GatewayModel model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The JSON streams through a small buffer into the hash: a large model's JSON is tens of
        // megabytes, which as one array (and the arrays it grew through) lands in the large
        // object heap and stays in the working set until a full collection.
        using (var output = new HashingBufferWriter(hash))
        using (var writer = new Utf8JsonWriter(output))
        {
            JsonSerializer.Serialize(writer, model, ModelJsonContext.Default.GatewayModel);
        }

        foreach (var certificate in model.Certificates)
        {
            Append(hash, certificate.Id, certificate.CertificatePem, certificate.PrivateKeyPem.Reveal());
        }

        foreach (var pool in model.Backends)
        {
            Append(hash, pool.Id, pool.Tls?.CaPem ?? string.Empty);
        }

        var routes = model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts).SelectMany(h => h.Routes);
        foreach (var route in routes.Where(r => r.Policy?.BasicAuth is not null))
        {
            foreach (var entry in route.Policy!.BasicAuth!.Credentials)
            {
                Append(hash, route.Id, entry.User, entry.Hash.Reveal());
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, params string[] parts)
    {
        foreach (var part in parts)
        {
            // Length-prefixed, so ("ab","c") and ("a","bc") differ.
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(Encoding.UTF8.GetBytes(part));
        }
    }

    /// <summary>Hands the JSON writer one pooled buffer again and again, hashing what it wrote each time.</summary>
    private sealed class HashingBufferWriter(IncrementalHash hash) : IBufferWriter<byte>, IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

        public void Advance(int count) => hash.AppendData(_buffer, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(sizeHint);
            }

            return _buffer;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
