using Portal;
using Portal.Components;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Dashboard;
using Portal.Features.Links;
using Portal.Features.MiniProgramCodes;
using Portal.Features.Payments;
using Portal.Features.WeChat;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Api.OpenApi;
using Portal.Infrastructure.BackgroundJobs;
using Portal.Infrastructure.Health;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.RateLimiting;

// One process serves the portal, the seed-compatible API and the public pages; docs/architecture.md walks through it.
var builder = WebApplication.CreateBuilder(args);
builder.ConfigurePortalHost(args);
builder.Services.AddPortalInfrastructure(builder.Configuration, builder.Environment);
builder.Services.AddAccounts().AddAdmin().AddBilling().AddPayments().AddApiTokens();
builder.Services.AddLinks().AddWeChat().AddMiniProgramCodes().AddDashboard().AddPortalUi().AddPortalOpenApi();

var app = builder.Build();

app.UseDrainConnectionClose();
app.UseEdgeSecurity(app.Environment);
app.UseErrorPages();
app.UseRequestId();
app.UseApiRateLimitHeaders();
app.UseBadRequestEnvelope();
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
app.MapJobsDashboard();
app.MapPortalPages();
return await app.RunPortalAsync(args); // `Portal admin …` runs the CLI and exits; otherwise this serves

/// <summary>The entry point, visible to <c>WebApplicationFactory</c>.</summary>
public partial class Program;
