namespace CloudIngress.Core.Diagnostics;

/// <summary>
/// Every diagnostic code. They double as Kubernetes Event reasons, so they are stable CamelCase
/// words; docs/diagnostics.md explains each.
/// </summary>
public static class DiagnosticCodes
{
    // Manifests
    public const string ManifestInvalid = "ManifestInvalid";
    public const string UnsupportedApiVersion = "UnsupportedApiVersion";
    public const string DuplicateObject = "DuplicateObject";

    // Annotations
    public const string InvalidAnnotation = "InvalidAnnotation";
    public const string AnnotationConflict = "AnnotationConflict";
    public const string AnnotationNotApplicable = "AnnotationNotApplicable";
    public const string UnknownAnnotation = "UnknownAnnotation";
    public const string UnsupportedAnnotation = "UnsupportedAnnotation";
    public const string SnippetRefused = "SnippetRefused";
    public const string CrossNamespaceSecret = "CrossNamespaceSecret";
    public const string SourceRangeNormalized = "SourceRangeNormalized";
    public const string SourceRangeDeniesAll = "SourceRangeDeniesAll";
    public const string AuthIncomplete = "AuthIncomplete";
    public const string BackendTlsUnverified = "BackendTlsUnverified";

    // Ingress structure
    public const string IngressClassMismatch = "IngressClassMismatch";
    public const string AmbiguousDefaultClass = "AmbiguousDefaultClass";
    public const string NoRules = "NoRules";
    public const string InvalidHost = "InvalidHost";
    public const string InvalidPath = "InvalidPath";
    public const string InvalidPathType = "InvalidPathType";
    public const string InvalidBackend = "InvalidBackend";
    public const string ResourceBackendUnsupported = "ResourceBackendUnsupported";
    public const string RouteConflict = "RouteConflict";
    public const string DefaultBackendConflict = "DefaultBackendConflict";
    public const string TlsModeConflict = "TlsModeConflict";
    public const string GroupSchemeConflict = "GroupSchemeConflict";
    public const string ListenerConflict = "ListenerConflict";
    public const string PassthroughPathsIgnored = "PassthroughPathsIgnored";
    public const string PassthroughBackendConflict = "PassthroughBackendConflict";
    public const string PassthroughTlsIgnored = "PassthroughTlsIgnored";
    public const string SslRedirectWithoutTls = "SslRedirectWithoutTls";
    public const string CanaryWithoutPrimary = "CanaryWithoutPrimary";
    public const string CanaryConflict = "CanaryConflict";
    public const string ProtocolConflict = "ProtocolConflict";

    // Backends
    public const string ServiceNotFound = "ServiceNotFound";
    public const string ServicePortNotFound = "ServicePortNotFound";
    public const string NoReadyEndpoints = "NoReadyEndpoints";
    public const string InvalidExternalName = "InvalidExternalName";

    // Secrets and certificates
    public const string SecretNotFound = "SecretNotFound";
    public const string TlsSecretInvalid = "TlsSecretInvalid";
    public const string TlsHostNotCovered = "TlsHostNotCovered";
    public const string CertificateExpired = "CertificateExpired";
    public const string CertificateConflict = "CertificateConflict";
    public const string CaSecretInvalid = "CaSecretInvalid";
    public const string AuthSecretInvalid = "AuthSecretInvalid";

    // Services of type LoadBalancer
    public const string ServiceNoPorts = "ServiceNoPorts";
    public const string UnsupportedProtocol = "UnsupportedProtocol";

    // Cloud providers (Translate)
    public const string ProviderUnsupported = "ProviderUnsupported";
    public const string ProviderQuotaExceeded = "ProviderQuotaExceeded";
    public const string CertificateNotFound = "CertificateNotFound";
    public const string PassthroughListenerConflict = "PassthroughListenerConflict";
    public const string LoadBalancerSharded = "LoadBalancerSharded";

    // Addresses (MetalLB pools): the ones named Address* leave a Service Pending, except AddressReleased
    public const string AddressRequestConflict = "AddressRequestConflict";
    public const string NoAddressPool = "NoAddressPool";
    public const string AddressPoolNotFound = "AddressPoolNotFound";
    public const string AddressPoolExhausted = "AddressPoolExhausted";
    public const string AddressPoolNotAllowed = "AddressPoolNotAllowed";
    public const string AddressNotInPool = "AddressNotInPool";
    public const string AddressSharingConflict = "AddressSharingConflict";
    public const string AddressPortConflict = "AddressPortConflict";
    public const string AddressRequestInvalid = "AddressRequestInvalid";
    public const string AddressReleased = "AddressReleased";
    public const string DeprecatedAnnotation = "DeprecatedAnnotation";
    public const string AddressPoolInvalid = "AddressPoolInvalid";
    public const string AddressPoolNotAnnounced = "AddressPoolNotAnnounced";
    public const string ExposureServiceNotOwned = "ExposureServiceNotOwned";

    // Skipped objects: only from SkippedObjects.Explain for plan, never in the model, so never an Event on another controller's object
    public const string NotOurs = "NotOurs";

    // Cloud providers (Apply)
    public const string CloudNotConverging = "CloudNotConverging";
}
