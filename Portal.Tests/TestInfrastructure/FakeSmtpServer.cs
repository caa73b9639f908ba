using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portal.Tests.TestInfrastructure;

/// <summary>
/// A real SMTP server on a free local port (the SmtpServer library), keeping every message it accepts, parsed with
/// MimeKit. Point <c>Email:Smtp</c> at <see cref="Port"/> with <c>Security=None</c>.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    /// <summary>Messages received, in arrival order.</summary>
    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Starts listening.</summary>
    public FakeSmtpServer()
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    /// <summary>The settings that send Portal's mail here.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(string from = "no-reply@portal.test") =>
    [
        new("Email:Smtp:Host", "127.0.0.1"), new("Email:Smtp:Port", Port.ToString()), new("Email:Smtp:Security", "None"),
        new("Email:From", from),
    ];

    /// <summary>Waits until a message to <paramref name="to"/> arrives (up to 10 s) and returns it.</summary>
    public async Task<MimeMessage> WaitForAsync(string to)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(10); waited += TimeSpan.FromMilliseconds(50))
        {
            var found = Messages.FirstOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase)));
            if (found is not null) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no mail to {to} arrived");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _running; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private sealed class Store(FakeSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            owner.Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
