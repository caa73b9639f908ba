namespace Portal.Features.Billing.Ledger;

/// <summary>The ledger writer could not take the operation: its queue is full. Answered 503 with <c>Retry-After</c>.</summary>
public sealed class LedgerBusyException() : Infrastructure.Api.ServiceUnavailableException("账务写入繁忙，请稍后重试");

/// <summary>
/// The batch holding the operation failed to commit (or the database failed): nothing of it was acknowledged.
/// Answered 503 with <c>Retry-After</c>.
/// </summary>
public sealed class LedgerUnavailableException(Exception inner) : Infrastructure.Api.ServiceUnavailableException("账务数据库暂时不可用，请稍后重试", inner);
