using Portal.Components.Shared;

namespace Portal.Tests.Components;

/// <summary>A table's loads answer the newest load's data, whatever order they finish in.</summary>
public sealed class LatestLoadTests
{
    [Fact]
    public async Task ReplacedLoad_FinishingLast_AnswersTheNewerLoadsData()
    {
        var loads = new LatestLoad<string>();
        var firstPage = new TaskCompletionSource<string>();
        var searched = new TaskCompletionSource<string>();
        using var first = new CancellationTokenSource();

        var a = loads.RunAsync(_ => firstPage.Task, first.Token);
        first.Cancel(); // the table cancels the load it replaces; this one's query does not notice
        var b = loads.RunAsync(_ => searched.Task, CancellationToken.None);
        searched.SetResult("search rows");
        firstPage.SetResult("every row");

        Assert.Equal("search rows", await b);
        Assert.Equal("search rows", await a);
    }

    [Fact]
    public async Task ReplacedLoad_StoppedByItsToken_AnswersTheNewerLoadsDataInsteadOfThrowing()
    {
        var loads = new LatestLoad<string>();
        using var first = new CancellationTokenSource();
        var gate = new TaskCompletionSource();

        var a = loads.RunAsync(async token => { await gate.Task.WaitAsync(token); return "every row"; }, first.Token);
        var b = loads.RunAsync(async _ => { await gate.Task; return "search rows"; }, CancellationToken.None);
        first.Cancel();
        gate.SetResult();

        Assert.Equal("search rows", await a);
        Assert.Equal("search rows", await b);
    }

    [Fact]
    public async Task ThreeLoads_EveryOneAnswersTheLast()
    {
        var loads = new LatestLoad<int>();
        var sources = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();

        var runs = sources.Select(s => loads.RunAsync(_ => s.Task, CancellationToken.None)).ToArray();
        sources[2].SetResult(3);
        sources[0].SetResult(1);
        sources[1].SetResult(2);

        var answers = await Task.WhenAll(runs);
        Assert.Equal(new[] { 3, 3, 3 }, answers);
    }

    [Fact]
    public async Task NewestLoad_Failing_ThrowsToItsCallerAndToTheLoadsItReplaced()
    {
        var loads = new LatestLoad<string>();
        var firstPage = new TaskCompletionSource<string>();

        var a = loads.RunAsync(_ => firstPage.Task, CancellationToken.None);
        var b = loads.RunAsync(_ => Task.FromException<string>(new InvalidOperationException("database down")), CancellationToken.None);
        firstPage.SetResult("every row");

        Assert.Equal("database down", (await Assert.ThrowsAsync<InvalidOperationException>(() => b)).Message);
        Assert.Equal("database down", (await Assert.ThrowsAsync<InvalidOperationException>(() => a)).Message);
    }

    [Fact]
    public async Task SingleLoad_Cancelled_Throws()
    {
        var loads = new LatestLoad<string>();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loads.RunAsync(token => Task.FromCanceled<string>(token), cts.Token));
    }
}
