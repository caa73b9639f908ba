using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Microsoft.AspNetCore.Identity;
using Portal.Components.Shared;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Infrastructure;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.TestInfrastructure;

/// <summary>
/// Base of the bUnit tests: a <see cref="BunitContext"/> with MudBlazor services, loose JS interop, test
/// authorization and an interactive-server renderer, wired to the REAL feature services of a <see cref="PortalFactory"/>
/// app over a fresh SQLite database. The tests of one class share that app (booted and migrated once, see
/// <see cref="SharedComponentApps"/>); each test signs in its own new user, so only a class whose tests assert
/// site-wide state (prices, audit totals, watchers) sets <see cref="ShareApp"/> to false and gets an app per test.
/// Disposed through <see cref="IAsyncLifetime"/>: MudBlazor's popover service is async-disposable only, so the context
/// is disposed asynchronously, then the test's scope (and its own app, when it has one).
/// </summary>
public abstract class PortalComponentTest : IAsyncLifetime
{
    private AsyncServiceScope _appScope;

    static PortalComponentTest()
    {
        // The machine is shared and test classes run in parallel: give renders that wait on SQLite room before a
        // WaitForAssertion gives up (an upper bound only; passing tests return as soon as the assertion holds).
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    }

    /// <summary>Creates the test with its class's shared app, or its own app when <see cref="ShareApp"/> is false.</summary>
    protected PortalComponentTest()
    {
        // ShareApp is a constant per class, so reading the override here is safe.
        Factory = ShareApp ? SharedComponentApps.For(GetType()) : new PortalFactory();
    }

    /// <summary>
    /// True (the default) when the tests of this class may share one app; false for a class whose tests assert
    /// state of the whole site, which another test of the class would have changed.
    /// </summary>
    protected virtual bool ShareApp => true;

    /// <summary>The app whose services the components use.</summary>
    protected PortalFactory Factory { get; }

    /// <summary>The bUnit context.</summary>
    protected BunitContext Ctx { get; } = new();

    /// <summary>True to render the pages as the app bar's Test switch would (set before rendering).</summary>
    protected bool TestMode { get; set; }

    /// <summary>The signed-in test user (see <see cref="SignInAsync"/>).</summary>
    protected TestUser User { get; private set; } = default!;

    /// <inheritdoc />
    public ValueTask InitializeAsync()
    {
        _appScope = Factory.Services.CreateAsyncScope();
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization();
        Ctx.Services.AddScoped<BalanceState>();
        Ctx.Services.AddScoped(_ => new PortalMode(TestMode));
        // Every other service is the app's real one (bUnit's fallback provider): singletons as they are, scoped ones
        // from one app scope for the whole test.
        Ctx.Services.AddFallbackServiceProvider(_appScope.ServiceProvider);
        return ValueTask.CompletedTask;
    }

    /// <summary>Creates a user with <paramref name="balanceFen"/> and signs them in for the components.</summary>
    /// <param name="balanceFen">Starting balance in fen.</param>
    /// <param name="role">An extra role, e.g. <c>Admin</c>.</param>
    /// <param name="adminTwoFactor">For an admin: whether the Admin policy (which needs an enrolled authenticator) passes.</param>
    protected async Task<TestUser> SignInAsync(long balanceFen = 0, string? role = null, bool adminTwoFactor = true)
    {
        User = await Factory.CreateUserAsync(balanceFen, role: role);
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized(User.Email);
        if (role is not null)
        {
            auth.SetRoles(role);
            if (role == Roles.Admin && adminTwoFactor) auth.SetPolicies(AuthorizationPolicies.Admin);
        }
        // Last: bUnit rebuilds the principal on every Set… call, and the pages need the NameIdentifier claim.
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, User.Id), new Claim(ClaimTypes.Name, User.Email));
        return User;
    }

    /// <summary>
    /// Sets the UI culture for the rest of the test (it flows into the renderer through the execution context).
    /// </summary>
    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
    }

    /// <summary>Everything the last <see cref="RenderPage{TPage}"/> rendered, including dialogs and snackbars.</summary>
    protected IRenderedComponent<Bunit.Rendering.ContainerFragment> Host { get; private set; } = default!;

    /// <summary>Renders <typeparamref name="TPage"/> after the MudBlazor providers that popovers, dialogs and snackbars need.</summary>
    protected IRenderedComponent<TPage> RenderPage<TPage>() where TPage : IComponent
    {
        // Resolving the renderer freezes the service collection, so this comes after every registration.
        Ctx.SetRendererInfo(new RendererInfo("Server", true));
        Host = Ctx.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(3);
            builder.CloseComponent();
        });
        return Host.FindComponent<TPage>();
    }

    /// <summary>The button whose text contains <paramref name="text"/> (re-found on every call).</summary>
    protected static AngleSharp.Dom.IElement Button<T>(IRenderedComponent<T> cut, string text) where T : IComponent =>
        cut.FindAll("button").First(b => b.TextContent.Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// Clicks the button (within <paramref name="scope"/>, a CSS selector) whose text contains <paramref name="text"/>.
    /// Finding and clicking happen in one dispatcher turn, so a re-render in between cannot strand the click.
    /// </summary>
    protected static Task ClickAsync<T>(IRenderedComponent<T> cut, string text, string scope = "") where T : IComponent =>
        cut.InvokeAsync(() => cut.FindAll($"{scope} button".Trim()).First(b => b.TextContent.Contains(text, StringComparison.Ordinal)).Click());

    /// <summary>Types <paramref name="value"/> into the element matching <paramref name="selector"/> (found and changed in one dispatcher turn).</summary>
    protected static Task InputAsync<T>(IRenderedComponent<T> cut, string selector, string value) where T : IComponent =>
        cut.InvokeAsync(() => cut.Find(selector).Input(value));

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, awaiting it on the test's own flow. Use it instead of a
    /// <c>WaitForAssertion</c> around an async service call: that assertion also runs inside the renderer's
    /// dispatcher, where blocking on a database call whose continuation needs that dispatcher never returns.
    /// </summary>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/> (default 15 s).</exception>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? BunitContext.DefaultWaitTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"gave up waiting for {what}");
            await Task.Delay(25);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Ctx.DisposeAsync();
        await _appScope.DisposeAsync();
        if (!ShareApp) await Factory.DisposeAsync();
    }
}

/// <summary>
/// One <see cref="PortalFactory"/> per bUnit test class, created by the class's first test and disposed when the test
/// assembly finishes (an xunit assembly fixture), so a class boots and migrates its app once instead of once per test.
/// </summary>
public sealed class SharedComponentApps : IAsyncDisposable
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Lazy<PortalFactory>> Apps = new();

    /// <summary>The shared app of <paramref name="testClass"/>.</summary>
    public static PortalFactory For(Type testClass) =>
        Apps.GetOrAdd(testClass, _ => new Lazy<PortalFactory>(() => new PortalFactory())).Value;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Asynchronously: a host stopping under a blocked thread could wait for that very thread.
        foreach (var app in Apps.Values)
            if (app.IsValueCreated) await app.Value.DisposeAsync();
        Apps.Clear();
    }
}
