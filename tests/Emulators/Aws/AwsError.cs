namespace CloudIngress.Emulators.Aws;

/// <summary>A request AWS would refuse: the error code and HTTP status the real service answers with.</summary>
internal sealed class AwsError(string code, string message, int status = 400) : Exception(message)
{
    public string Code => code;

    public int Status => status;
}
