using Microsoft.AspNetCore.DataProtection;
using Portal.Components;
using Portal.Components.Account;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Features.MiniProgramCodes;
using Portal.Features.Payments;
using Portal.Features.WeChat;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Api.OpenApi;
using Portal.Infrastructure.BackgroundJobs;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Health;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.RateLimiting;
using Portal.Infrastructure.Redis;

var isAdminCli = AdminCli.IsAdminCommand(args);
var builder = WebApplication.CreateBuilder(args);
if (isAdminCli)
{
    // The CLI prints results on stdout (a token alone on the last line): keep logs on stderr and quiet.
    builder.Configuration["Logging:LogLevel:Default"] = "Warning";
    builder.Configuration["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}
// Serve _content/ and _framework/ assets when run from bin/ outside Development: otherwise static web assets are only mapped in Development.
builder.WebHost.UseStaticWebAssets();
// Request bodies: at most Kestrel:Limits:MaxRequestBodySize bytes on every route (default here 1 MiB instead of
// Kestrel's 30 MB; API JSON bodies stop earlier, at ApiJson.MaxBodyBytes). Larger bodies get 413.
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize =
    builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") ?? PortalOptions.MaxRequestBodyBytes);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddRedis(builder.Configuration);
builder.Services.AddCaching(builder.Configuration);
builder.Services.Configure<PortalOptions>(builder.Configuration.GetSection(PortalOptions.Section));
builder.Services.AddSingleton<PublicUrls>();
var provider = builder.Services.AddPersistence(builder.Configuration, builder.Environment);
builder.Services.AddKeyRing(builder.Configuration, builder.Environment, provider);
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddAuthorizationBuilder().AddPolicy(AuthorizationPolicies.Admin, p => p.RequireRole(Roles.Admin).AddRequirements(new AdminTwoFactorRequirement()));
builder.Services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, AdminTwoFactorHandler>();
builder.Services.AddBilling(builder.Configuration);
builder.Services.AddPayments(builder.Configuration);
builder.Services.AddApiTokens();
builder.Services.AddLinks(builder.Configuration);
builder.Services.AddWeChat(builder.Configuration);
builder.Services.AddMiniProgramCodes(builder.Configuration);
builder.Services.AddBackgroundJobs(builder.Configuration, provider);
builder.Services.AddPortalUi();
builder.Services.AddPortalOpenApi();
builder.Services.AddHealth();
builder.Services.AddGracefulShutdown(builder.Configuration);
builder.Services.AddIdempotency(builder.Configuration);
builder.Services.AddApiRateLimiting(builder.Configuration);
builder.Services.AddEdgeSecurity(builder.Configuration);

var app = builder.Build();

await app.Services.InitializeDatabaseAsync(createBootstrapAdmin: !isAdminCli);
if (isAdminCli) return await AdminCli.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
app.Services.RegisterRecurringJobs();

app.UseDrainConnectionClose();
app.UseEdgeSecurity(app.Environment);
if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseRequestId();
app.UseApiRateLimitHeaders();
app.UseBadRequestEnvelope();
// Only GET/HEAD re-execute as the "not found" page: re-executing a refused POST (e.g. a bad antiforgery token, an
// over-size body) runs antiforgery on the same body again, which throws and turned a 400/413 into a 500.
app.UseWhen(c => HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method),
    b => b.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseApiNotFound();
app.UseRequestLocalization(PortalUi.LocalizationOptions());
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseMiddleware<IdempotencyMiddleware>();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapOpenApi();
app.MapHealthEndpoints();
app.MapApiDocs();
app.MapLinksEndpoints();
app.MapAdminEndpoints();
app.MapBillingEndpoints();
app.MapMiniProgramCodesEndpoints();
app.MapWxMiniEndpoints();
app.MapPaymentEndpoints();
app.MapPortalUiEndpoints();
app.MapJobsDashboard();
// The edge's own Content-Security-Policy already says frame-ancestors 'none' (EdgeSecurity); Blazor would add a second.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
app.MapAdditionalIdentityEndpoints();

app.Run();
return 0;

/// <summary>The entry point, visible to <c>WebApplicationFactory</c>.</summary>
public partial class Program;
