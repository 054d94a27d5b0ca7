using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Diagnostics;

public static class ObjectRefs
{
    /// <summary>Namespaced objects without a namespace live in "default", as with kubectl.</summary>
    public const string DefaultNamespace = "default";

    public static ObjectRef For(IKubernetesObject obj) =>
        new(obj.Kind ?? obj.GetType().Name,
            obj is IngressClass or Namespace ? null : obj.Metadata.Namespace ?? DefaultNamespace,
            obj.Metadata.Name ?? string.Empty);
}
