namespace CloudIngress.Controller.Cli;

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Some object has an error diagnostic.</summary>
    public const int ObjectErrors = 1;

    /// <summary>Unusable input: bad flags, no manifests directory, nothing to read.</summary>
    public const int UnusableInput = 2;

    /// <summary>The cloud did not converge (an API error that retries did not cure).</summary>
    public const int CloudFailed = 3;
}
