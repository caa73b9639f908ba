namespace Portal.Features.Billing;

/// <summary>The result of local work and the new rows it needs written together with its debit.</summary>
/// <param name="Value">What the caller gets on success.</param>
/// <param name="Rows">New entities of the model to insert in the debit's savepoint (may be empty).</param>
public sealed record LocalWork<T>(T Value, IReadOnlyList<object> Rows);
