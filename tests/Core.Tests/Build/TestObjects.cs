using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Tests.Build;

/// <summary>Minimal objects for builder tests that need no manifest file.</summary>
internal static class TestObjects
{
    /// <summary>An Ingress in "default" whose default backend is web:80.</summary>
    public static Ingress Ingress(string name, string? className = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new IngressSpec
        {
            IngressClassName = className,
            DefaultBackend = new IngressBackend { Service = new IngressServiceBackend { Name = "web", Port = new ServiceBackendPort { Number = 80 } } },
        },
    };
}
