using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudIngress.Core.Build;

/// <summary>Reads the auth (htpasswd) and CA Secrets that annotations refer to.</summary>
internal sealed class SecretReaders(SnapshotIndex index, DiagnosticBag diagnostics)
{
    /// <summary>The key nginx uses for an htpasswd file in an auth Secret.</summary>
    public const string AuthKey = "auth";

    private static readonly string[] KnownHashPrefixes = ["$2a$", "$2b$", "$2y$", "{SHA}", "$apr1$"];

    /// <summary>The users of an htpasswd Secret; a missing or unreadable one yields none (fail closed).</summary>
    public IReadOnlyList<HtpasswdEntry> ReadHtpasswd(string ns, string name, ObjectRef owner, string field)
    {
        var text = ReadText(ns, name, AuthKey, owner, field, DiagnosticCodes.AuthSecretInvalid, "nobody can log in");
        if (text is null)
        {
            return [];
        }

        var entries = new List<HtpasswdEntry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (colon <= 0)
            {
                diagnostics.Warning(DiagnosticCodes.AuthSecretInvalid, owner, field,
                    $"Secret \"{name}\" has a line that is not user:hash; it is skipped");
                continue;
            }

            var user = line[..colon];
            var hash = line[(colon + 1)..];
            if (!KnownHashPrefixes.Any(p => hash.StartsWith(p, StringComparison.Ordinal)))
            {
                diagnostics.Warning(DiagnosticCodes.AuthSecretInvalid, owner, field,
                    $"user \"{user}\" in Secret \"{name}\" has an unsupported hash (use bcrypt, {{SHA}} or $apr1$); that user cannot log in");
                continue;
            }

            if (entries.Any(e => string.Equals(e.User, user, StringComparison.Ordinal)))
            {
                diagnostics.Warning(DiagnosticCodes.AuthSecretInvalid, owner, field,
                    $"user \"{user}\" appears twice in Secret \"{name}\"; the first entry is used");
                continue;
            }

            entries.Add(new HtpasswdEntry(user, new SensitiveText(hash)));
        }

        if (entries.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.AuthSecretInvalid, owner, field,
                $"Secret \"{name}\" holds no usable user; nobody can log in");
        }

        return entries;
    }

    /// <summary>The PEM CA bundle (<c>ca.crt</c>) and how many certificates it holds; 0 when unusable.</summary>
    public (string? Pem, int Count) ReadCaBundle(string ns, string name, ObjectRef owner, string field)
    {
        var pem = ReadText(ns, name, Secret.CaCertKey, owner, field, DiagnosticCodes.CaSecretInvalid,
            "backend connections fail until it is fixed");
        if (pem is null)
        {
            return (null, 0);
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            collection.Clear();
        }

        if (collection.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.CaSecretInvalid, owner, field,
                $"Secret \"{name}\" has no PEM certificate in {Secret.CaCertKey}; backend connections fail until it is fixed");
            return (null, 0);
        }

        return (pem, collection.Count);
    }

    private string? ReadText(string ns, string name, string key, ObjectRef owner, string field, string invalidCode, string consequence)
    {
        if (index.FindSecret(ns, name) is not { } secret)
        {
            diagnostics.Error(DiagnosticCodes.SecretNotFound, owner, field,
                $"Secret \"{name}\" not found in namespace \"{ns}\"; {consequence}");
            return null;
        }

        var bytes = secret.GetValue(key, out var malformed);
        if (bytes is null)
        {
            diagnostics.Error(invalidCode, owner, field,
                malformed ? $"Secret \"{name}\" key {key} is not valid base64; {consequence}"
                          : $"Secret \"{name}\" has no key {key}; {consequence}");
            return null;
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
