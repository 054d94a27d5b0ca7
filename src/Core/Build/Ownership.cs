namespace CloudIngress.Core.Build;

/// <summary>
/// Whether an object is this controller's and, when it is not, the field that decides it and why.
/// The build and <see cref="SkippedObjects"/> both take it from the class filters, so they never disagree.
/// </summary>
internal sealed record Ownership(bool IsOurs, string? Field, string? Reason)
{
    public static readonly Ownership Ours = new(true, null, null);

    /// <summary>No class named and default classes of several controllers: the user must choose, so the build warns.</summary>
    public bool IsAmbiguous { get; init; }

    public static Ownership NotOurs(string field, string reason) => new(false, field, reason);
}
