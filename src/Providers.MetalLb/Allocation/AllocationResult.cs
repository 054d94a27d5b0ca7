using System.Net;

namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>Why a Service gets no address (each maps to one diagnostic code).</summary>
public enum FailureReason
{
    NoPool,
    PoolNotFound,
    PoolExhausted,
    PoolNotAllowed,
    NotInPool,
    SharingConflict,
    PortConflict,
    InvalidRequest,
}

public sealed record AllocationFailure(FailureReason Reason, string Message);

/// <summary>The addresses given (IPv4 first for a pair) and their pool, or why there are none.</summary>
public sealed record AllocationResult
{
    public IReadOnlyList<IPAddress> Addresses { get; private init; } = [];

    public string? Pool { get; private init; }

    public AllocationFailure? Failure { get; private init; }

    public bool Succeeded => Failure is null;

    public static AllocationResult Ok(string pool, IReadOnlyList<IPAddress> addresses) => new() { Pool = pool, Addresses = addresses };

    public static AllocationResult Fail(FailureReason reason, string message) => new() { Failure = new AllocationFailure(reason, message) };

    public override string ToString() =>
        Failure is { } f ? $"{f.Reason}: {f.Message}" : $"{Pool}: {string.Join(",", Addresses.Select(a => a.ToString()))}";
}
