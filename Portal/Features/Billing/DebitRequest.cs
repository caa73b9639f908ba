namespace Portal.Features.Billing;

/// <summary>What a billable call asks of the ledger.</summary>
/// <param name="UserId">Who pays.</param>
/// <param name="Product">Product code (see <see cref="BillableProducts"/>); its current price is debited.</param>
/// <param name="RequestId">Unique id of the request (becomes <see cref="Charge.RequestId"/>, ≤ 64 chars).</param>
/// <param name="ApiTokenId">The API token used, if any (its daily spend cap applies).</param>
/// <param name="Rows">
/// The work's own new rows (entities of the model, e.g. a <see cref="Links.ShortLink"/>) when the work is local: they are
/// inserted in the same savepoint as the debit, so both commit or neither does. A row that breaks a unique key makes the
/// outcome <see cref="DebitRefusal.RowConflict"/> (nothing debited), and the caller may retry with fresh rows.
/// </param>
/// <param name="Settled">True when the work is complete with this write: the charge is created Succeeded, not Pending.</param>
/// <param name="Test">
/// True for a test-mode call (a <c>wxp_test_</c> token): the same statements debit <see cref="Account.TestBalanceFen"/>
/// instead of the live balance, and the charge and its entries are marked <see cref="Charge.IsTest"/>.
/// </param>
public sealed record DebitRequest(string UserId, string Product, string RequestId, Guid? ApiTokenId = null,
    IReadOnlyList<object>? Rows = null, bool Settled = false, bool Test = false);
