using CloudIngress.Core.Diagnostics;
using System.Text.Json.Nodes;

namespace CloudIngress.Core.Providers;

public enum OperationAction
{
    Create,
    Update,
    Delete,
}

/// <summary>One mutating call of a diff: <see cref="Call"/> is the API operation, <see cref="Subject"/> the resource it acts on.</summary>
public sealed record PlannedOperation(OperationAction Action, string Call, string Subject)
{
    /// <summary><c>+ CreateLoadBalancer name</c>: <c>+</c> create, <c>~</c> change, <c>-</c> delete.</summary>
    public override string ToString() => $"{Action switch { OperationAction.Create => '+', OperationAction.Update => '~', _ => '-' }} {Call} {Subject}";
}

/// <summary>
/// A provider's plan: its desired resources (as text lines and as a JSON object of its own
/// schema), the operations an apply would start with, and what it could not do as asked.
/// </summary>
public sealed record ProviderPlan
{
    public required string Provider { get; init; }

    /// <summary>The desired resources, one line each, indented by nesting.</summary>
    public IReadOnlyList<string> Text { get; init; } = [];

    /// <summary>The desired resources in the provider's own schema: its properties go to the top of <c>plan --output json</c>.</summary>
    public JsonObject Resources { get; init; } = [];

    public IReadOnlyList<PlannedOperation> Operations { get; init; } = [];

    /// <summary>The provider's Translate findings (what its target cannot express).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>How the plan was made, when it matters ("planned against an empty account").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
