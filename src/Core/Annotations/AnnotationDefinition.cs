namespace CloudIngress.Core.Annotations;

/// <summary>
/// One key that can set a setting. <see cref="Translate"/> maps an alias's value onto the
/// canonical key's vocabulary (nginx <c>ssl-passthrough: "true"</c> is <c>tls-mode: passthrough</c>);
/// returning null means "this alias expresses no opinion" (<c>ssl-passthrough: "false"</c>).
/// </summary>
public sealed record AnnotationKey(string Name, Func<string, string?>? Translate = null)
{
    public string? Canonicalize(string raw) => Translate is null ? raw.Trim() : Translate(raw.Trim());
}

/// <summary>
/// A setting and every key that can set it, in precedence order: the first key present wins.
/// </summary>
public sealed record AnnotationDefinition(string Setting, AnnotationScope Scope, IReadOnlyList<AnnotationKey> Keys)
{
    public string PrimaryKey => Keys[0].Name;
}
