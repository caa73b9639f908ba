namespace Portal.Features.Billing.Ledger;

/// <summary>The ledger writer could not take the operation: its queue is full. Answered 503 with <c>Retry-After</c>.</summary>
public sealed class LedgerBusyException() : Infrastructure.Api.ServiceUnavailableException("账务写入繁忙，请稍后重试");

/// <summary>
/// The batch holding the operation failed to commit (or the database failed): nothing of it was acknowledged.
/// Answered 503 with <c>Retry-After</c>.
/// </summary>
public sealed class LedgerUnavailableException(Exception inner) : Infrastructure.Api.ServiceUnavailableException("账务数据库暂时不可用，请稍后重试", inner);

/// <summary>
/// SQLite with the log flush thread: the batch holding the operation committed, but flushing the write-ahead log to
/// disk failed, so nobody can tell whether it survives a power loss (it normally does: the log stays written). Not a
/// 503: unlike a failed commit, the operation may well have happened. The writer takes nothing more until the process
/// restarts and SQLite recovers the log from what the disk holds (<see cref="SqliteLogFlusher"/>).
/// </summary>
public sealed class LedgerFlushFailedException(Exception inner) : Exception("flushing the ledger's write-ahead log failed; the batch's outcome is unknown", inner);
