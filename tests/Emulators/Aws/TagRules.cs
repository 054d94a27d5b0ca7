namespace CloudIngress.Emulators.Aws;

/// <summary>The tag limits every service shares (50 per resource, key ≤ 128, value ≤ 256, no <c>aws:</c> prefix); only the error codes differ.</summary>
internal static class TagRules
{
    public static void Check(IReadOnlyDictionary<string, string>? existing, IReadOnlyList<KeyValuePair<string, string>> added, string tooManyCode, string invalidCode)
    {
        foreach (var (key, value) in added)
        {
            if (key.Length is 0 or > 128 || value.Length > 256)
            {
                throw new AwsError(invalidCode, $"Tag key must be 1-128 characters and value at most 256 characters: '{key}'");
            }

            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new AwsError(invalidCode, $"Tag keys starting with 'aws:' are reserved for internal use: '{key}'");
            }
        }

        var keys = new HashSet<string>(existing?.Keys ?? [], StringComparer.Ordinal);
        keys.UnionWith(added.Select(t => t.Key));
        if (keys.Count > 50)
        {
            throw new AwsError(tooManyCode, "A resource can have at most 50 tags");
        }
    }
}
