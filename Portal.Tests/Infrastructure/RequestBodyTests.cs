using Portal.Infrastructure.Http;

namespace Portal.Tests.Infrastructure;

public sealed class RequestBodyTests
{
    /// <summary>A stream that hands out at most <paramref name="step"/> bytes per read, as a chunked body does.</summary>
    private sealed class Trickle(byte[] data, int step) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(step, buffer.Length)], cancellationToken);
    }

    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 7)).ToArray();

    [Theory]
    [InlineData(0, 10, 1)]
    [InlineData(10, 10, 3)]
    [InlineData(4096, 1024 * 1024, 4096)]
    [InlineData(4097, 1024 * 1024, 1000)]
    [InlineData(100_000, 100_000, 7919)]
    [InlineData(300_000, 1024 * 1024, 65536)]
    public async Task UpToTheLimit_ReturnsEveryByteInOrder(int length, int max, int step)
    {
        var data = Bytes(length);
        var read = await RequestBody.ReadBoundedAsync(new Trickle(data, step), max, CancellationToken.None);
        Assert.Equal(data, read);
    }

    [Theory]
    [InlineData(11, 10, 1)]
    [InlineData(11, 10, 64)]
    [InlineData(4097, 4096, 4096)]
    [InlineData(1024 * 1024 + 1, 1024 * 1024, 65536)]
    [InlineData(5_000_000, 1024 * 1024, 8192)]
    public async Task OneBytePastTheLimit_IsNull(int length, int max, int step)
    {
        Assert.Null(await RequestBody.ReadBoundedAsync(new Trickle(Bytes(length), step), max, CancellationToken.None));
    }

    [Fact]
    public async Task LimitOfZero_EmptyBodyIsEmpty_AnyByteIsTooMuch()
    {
        Assert.Empty((await RequestBody.ReadBoundedAsync(new MemoryStream(), 0, CancellationToken.None))!);
        Assert.Null(await RequestBody.ReadBoundedAsync(new MemoryStream([1]), 0, CancellationToken.None));
    }
}
