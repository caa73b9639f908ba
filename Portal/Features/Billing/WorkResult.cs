namespace Portal.Features.Billing;

/// <summary>What a billed piece of work produced: a value, or a failure to be refunded.</summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly record struct WorkResult<T>(bool Succeeded, T? Value, WorkFailureKind FailureKind, string? Message, object? Detail)
{
    /// <summary>Success with <paramref name="value"/>.</summary>
    public static WorkResult<T> Ok(T value) => new(true, value, default, null, null);

    /// <summary>Failure: the charge is refunded. <paramref name="message"/> is shown to the caller (no secrets).</summary>
    public static WorkResult<T> Fail(WorkFailureKind kind, string message, object? detail = null) => new(false, default, kind, message, detail);
}
