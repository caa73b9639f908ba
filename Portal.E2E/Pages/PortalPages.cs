using Microsoft.Playwright;

namespace Portal.E2E.Pages;

/// <summary>Page objects over role/label locators. The UI runs in English for stable names (<c>/culture/set</c>).</summary>
public sealed class PortalPages(IPage page, string baseUrl)
{
    /// <summary>The underlying page.</summary>
    public IPage Page => page;

    /// <summary>The server's base address, without a trailing slash.</summary>
    public string BaseUrl => baseUrl;

    /// <summary>Switches the UI language to English for this browser context.</summary>
    public Task UseEnglishAsync() => page.GotoAsync($"{baseUrl}/culture/set?culture=en&redirectUri=/");

    /// <summary>
    /// Registers (the static Identity page), lands on the confirmation page that every registration gets, and — with no
    /// e-mail server, so no confirmation needed — signs in.
    /// </summary>
    public async Task RegisterAsync(string email, string password)
    {
        await page.GotoAsync($"{baseUrl}/Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/RegisterConfirmation"));
        await LogInAsync(email, password);
    }

    /// <summary>Signs in through the Identity login page, answering the two-factor step when a TOTP key is given.</summary>
    public async Task LogInAsync(string email, string password, string? totpKey = null)
    {
        await page.GotoAsync($"{baseUrl}/Account/Login");
        // blazor.web.js takes over form posts once loaded; a click while it attaches can be dropped, so let it settle.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        var logIn = page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true });
        await logIn.ClickAsync();
        if (totpKey is null && !await LeftAsync("/Account/Login", TimeSpan.FromSeconds(10)))
        {
            // Still on the form: a refusal shows its reason (fail with it); a submit that never went out is sent again.
            var refusal = page.Locator(".text-danger, .alert, [role=alert]").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"\S") });
            if (await refusal.CountAsync() > 0)
                throw new InvalidOperationException($"sign-in refused: {await refusal.First.InnerTextAsync()}");
            await logIn.ClickAsync();
        }
        if (totpKey is not null)
        {
            await page.WaitForURLAsync(url => url.Contains("/Account/LoginWith2fa"));
            await page.GetByLabel("Authenticator code").FillAsync(Portal.E2E.Infrastructure.Totp.Code(totpKey, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        }
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
    }

    private async Task<bool> LeftAsync(string path, TimeSpan within)
    {
        try
        {
            await page.WaitForURLAsync(url => !url.Contains(path), new() { Timeout = (float)within.TotalMilliseconds });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Opens an interactive page and waits until its circuit is live (buttons work).</summary>
    public async Task OpenAsync(string path)
    {
        try
        {
            await page.GotoAsync(baseUrl + path);
        }
        catch (PlaywrightException e) when (e.Message.Contains("ERR_ABORTED", StringComparison.Ordinal))
        {
            // A navigation still in flight (the sign-in's redirect landing on the dashboard) cancelled this one: go again.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.GotoAsync(baseUrl + path);
        }
        await page.Locator("[data-testid=interactive-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>As an admin: credits <paramref name="email"/> by <paramref name="amount"/> yuan on the Users page.</summary>
    public async Task AdminCreditAsync(string email, string amount, string reason)
    {
        await OpenAsync("/admin/users");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = email });
        await row.GetByRole(AriaRole.Button, new() { Name = "Adjust balance" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Amount in yuan (negative to debit)").FillAsync(amount);
        await dialog.GetByLabel("Reason").FillAsync(reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=user-balance]")).ToContainTextAsync(amount);
    }

    /// <summary>Creates an API token on the tokens page and returns the secret shown once.</summary>
    public async Task<string> CreateTokenAsync(string name)
    {
        await OpenAsync("/tokens");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = page.GetByLabel("New token");
        await Assertions.Expect(secret).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^wxp_"));
        return await secret.InputValueAsync();
    }

    /// <summary>Registers a mini-program on the Mini-programs page and waits for its row.</summary>
    public async Task RegisterAppAsync(string appId, string secret, string name)
    {
        await OpenAsync("/apps");
        await page.GetByLabel("AppID", new() { Exact = true }).FillAsync(appId);
        await page.GetByLabel("AppSecret", new() { Exact = true }).FillAsync(secret);
        await page.GetByLabel("Display name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = appId })).ToBeVisibleAsync();
    }

    /// <summary>Generates an unlimited code (scene + page) on the Generate page and returns the preview image.</summary>
    public async Task<ILocator> GenerateCodeAsync(string scene, string pagePath)
    {
        await OpenAsync("/codes/generate");
        await page.GetByLabel("Scene").FillAsync(scene);
        await page.GetByLabel("Page", new() { Exact = true }).FillAsync(pagePath);
        await page.Locator("[data-testid=code-generate]").ClickAsync();
        var preview = page.Locator("[data-testid=code-preview]");
        await Assertions.Expect(preview).ToBeVisibleAsync();
        return preview;
    }

    /// <summary>The balance shown on the dashboard.</summary>
    public async Task<ILocator> DashboardBalanceAsync()
    {
        await OpenAsync("/");
        return page.Locator("[data-testid=dashboard-balance]");
    }
}
