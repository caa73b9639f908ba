using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Portal.Features.WeChat;

/// <summary>Page <c>/apps</c>: the signed-in user's mini-programs — register (validated as typed, secret masked), default, credential test, delete with confirmation.</summary>
public sealed partial class MiniProgramsPage
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private MudForm? _form;
    private bool _formValid;
    private bool _busy;
    private string? _appId;
    private string? _secret;
    private string? _name;
    private string? _registerMessage;
    private bool _registerOk;
    private string _userId = "";
    private IReadOnlyList<MiniProgramAppSummary>? _apps;
    private Guid? _confirmDelete;
    private readonly Dictionary<Guid, AppTestResult> _testResults = new();

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState).User;
        _userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await ReloadAsync();
    }

    private async Task ReloadAsync() => _apps = await Apps.ListMineAsync(_userId);

    private string? ValidateAppId(string value) =>
        string.IsNullOrWhiteSpace(value) ? L["Enter the AppID"].Value
        : MiniProgramAppService.IsValidAppId(value.Trim()) ? null : L["AppID must be wx followed by 16 hexadecimal characters"].Value;

    private string? ValidateSecret(string value) =>
        string.IsNullOrWhiteSpace(value) ? L["Enter the AppSecret"].Value
        : MiniProgramAppService.IsValidSecret(value.Trim()) ? null : L["AppSecret must be 32 hexadecimal characters"].Value;

    // The service's own limit, checked as the user types instead of cutting the input.
    private string? ValidateName(string? value) =>
        (value?.Trim().Length ?? 0) > MiniProgramAppService.MaxNameLength ? L["At most {0} characters", MiniProgramAppService.MaxNameLength].Value : null;

    private async Task RegisterAsync()
    {
        if (_form is not null) await _form.ValidateAsync();
        if (!_formValid) return;
        _busy = true;
        try
        {
            var result = await Apps.RegisterAsync(_userId, _appId, _secret, _name);
            _registerOk = result.Succeeded;
            _registerMessage = result.Succeeded ? L["Registered {0}.", result.App!.AppId] : Localized(result.Error ?? "内部错误");
            if (result.Succeeded)
            {
                _appId = _secret = _name = null;
                if (_form is not null) await _form.ResetAsync();
                await ReloadAsync();
            }
        }
        finally
        {
            // The secret is never kept in the component once submitted.
            _secret = null;
            _busy = false;
        }
    }

    // Service and WeChat messages: the Chinese ones have English entries; anything else (e.g. WeChat's errmsg) shows as is.
    private string Localized(string? message) => message is null ? "" : L[message].Value;

    private async Task SetDefaultAsync(MiniProgramAppSummary app, bool on)
    {
        if (!on) return;
        _busy = true;
        try
        {
            await Apps.SetDefaultAsync(_userId, app.Id);
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task TestAsync(MiniProgramAppSummary app)
    {
        _busy = true;
        try
        {
            if (await Apps.TestCredentialsAsync(_userId, app.Id) is { } result) _testResults[app.Id] = result;
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(MiniProgramAppSummary app)
    {
        _busy = true;
        try
        {
            await Apps.DeleteAsync(_userId, app.Id);
            _confirmDelete = null;
            _testResults.Remove(app.Id);
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
