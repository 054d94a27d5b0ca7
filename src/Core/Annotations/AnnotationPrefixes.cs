namespace CloudIngress.Core.Annotations;

public static class AnnotationPrefixes
{
    public const string Ours = "cloudingress.io/";
    public const string Aws = "aws.cloudingress.io/";
    public const string Azure = "azure.cloudingress.io/";
    public const string MetalLb = "metallb.cloudingress.io/";
    public const string Alb = "alb.ingress.kubernetes.io/";
    public const string Nginx = "nginx.ingress.kubernetes.io/";
    public const string AppGw = "appgw.ingress.kubernetes.io/";
    public const string MetalLbIo = "metallb.io/";
    public const string MetalLbUniverse = "metallb.universe.tf/";

    /// <summary>Prefixes we own: an unknown key under one of these is most likely a typo.</summary>
    public static readonly IReadOnlyList<string> Owned = [Ours, Aws, Azure, MetalLb];

    /// <summary>Prefixes of other controllers whose annotations we accept as aliases.</summary>
    public static readonly IReadOnlyList<string> Foreign = [Alb, Nginx, AppGw, MetalLbIo, MetalLbUniverse];
}
