namespace Portal.Components.Shared;

/// <summary>
/// Keeps a server-paged <c>MudTable</c> or <c>MudDataGrid</c> showing the answer to its newest load. The table cancels
/// the token of a load it starts again (a search typed, a filter changed) but keeps whichever answer arrives last, so a
/// first page that was still loading when the search started would come back after the search's rows and put every row
/// back. Run each <c>ServerData</c> load through <see cref="RunAsync"/>: a load that a newer one replaced answers that
/// newer load's data (also when its own query stopped at the cancellation), so the last answer is always the newest.
/// </summary>
/// <typeparam name="TData">The table's page of data (<c>TableData&lt;T&gt;</c> or <c>GridData&lt;T&gt;</c>).</typeparam>
/// <remarks>Used on the component's dispatcher only, like the table that calls it.</remarks>
public sealed class LatestLoad<TData>
{
    private Task<TData>? _newest;

    /// <summary>Runs <paramref name="load"/> as the newest load and answers its data, or a newer load's data if one started meanwhile.</summary>
    /// <param name="load">Fetches the page, honouring the token.</param>
    /// <param name="ct">The token the table gave this load.</param>
    /// <exception cref="OperationCanceledException">Cancelled with no newer load to answer for it (the table went away).</exception>
    public async Task<TData> RunAsync(Func<CancellationToken, Task<TData>> load, CancellationToken ct)
    {
        // Completed with this load's final answer, so a replaced load can wait for its successor's.
        var mine = new TaskCompletionSource<TData>(TaskCreationOptions.RunContinuationsAsynchronously);
        _newest = mine.Task;
        try
        {
            TData data = default!;
            try
            {
                data = await load(ct);
            }
            catch (OperationCanceledException) when (_newest != mine.Task)
            {
            }
            var answer = _newest == mine.Task ? data : await _newest;
            mine.TrySetResult(answer);
            return answer;
        }
        catch (Exception ex)
        {
            mine.TrySetException(ex);
            throw;
        }
    }
}
