namespace CloudIngress.Providers.Azure.Arm;

/// <summary>
/// ARM refused or failed a request: the status, ARM's error code and message, and the resource.
/// Never carries a request body or a token.
/// </summary>
public sealed class ArmException(int status, string code, string message, string resource, Exception? inner = null)
    : Exception($"{resource}: {code} ({status}): {message}", inner)
{
    public int Status => status;

    public string Code => code;

    /// <summary>Another writer changed the resource since we read it (If-Match did not match): read again.</summary>
    public bool IsConflict => status == 412;

    /// <summary>Throttling, a server error or no answer: the retry policy already waited and tried again.</summary>
    public bool IsTransient => status is 0 or 408 or 429 or >= 500;

    /// <summary>Asking again will not help: ARM refused the request as it is, or could not be reached at all.</summary>
    public bool IsPermanent => status is 0 || (status is >= 400 and < 500 && status is not (408 or 409 or 412 or 429));
}

/// <summary>No credentials, an unusable endpoint or CA file: the configuration, not the cloud.</summary>
public sealed class AzureConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
