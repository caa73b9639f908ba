using System.Text;
using Microsoft.Extensions.Options;

namespace Portal.Features.Payments;

/// <summary>Registers top-up payments (WeChat Pay Native) and maps the provider's notify endpoint.</summary>
public static class PaymentsExtensions
{
    /// <summary>Path WeChat Pay posts notifications to (configure <see cref="WeChatPayOptions.NotifyUrl"/> as the public URL of it).</summary>
    public const string WeChatPayNotifyPath = "/payments/wechatpay/notify";

    /// <summary>Largest notification body read, in bytes (WeChat's are about 1 KiB).</summary>
    public const int MaxNotificationBytes = 64 * 1024;

    /// <summary>Adds the options (validated on start), the WeChat Pay client, the top-up service and the reconciling job.</summary>
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddOptions<WeChatPayOptions>().BindConfiguration(WeChatPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeChatPayOptions>, WeChatPayKeyValidation>();
        services.AddHttpClient(WeChatPayClient.HttpClientName, (sp, client) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<WeChatPayOptions>>().Value.ApiBaseUrl;
                client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // each call has its own (WeChatPayOptions.Timeout)
            })
            .RemoveAllLoggers();
        services.AddSingleton<WeChatPayKeys>();
        services.AddSingleton<WeChatPayClient>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<WeChatPayClient>());
        services.AddSingleton<TopUpService>();
        services.AddTransient<ReconcileTopUpOrdersJob>();
        return services;
    }

    /// <summary>
    /// Maps <c>POST /payments/wechatpay/notify</c> (anonymous: the signature is the authentication). Answers 204 when the
    /// notification was verified and applied (also when it repeats one already applied), and
    /// <c>{"code":"FAIL","message":"…"}</c> with 400 (refused: bad signature, stale, undecryptable) or 500 (could not be
    /// applied now) otherwise, so WeChat Pay sends it again.
    /// </summary>
    public static void MapPaymentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(WeChatPayNotifyPath, async (HttpContext http, TopUpService topUps, ILoggerFactory logs) =>
        {
            if (await Infrastructure.Http.RequestBody.ReadBoundedAsync(http.Request.Body, MaxNotificationBytes, http.RequestAborted) is not { } bytes)
                return Fail(StatusCodes.Status413PayloadTooLarge, "body too large");
            var body = Encoding.UTF8.GetString(bytes);
            try
            {
                var refused = await topUps.HandleNotificationAsync(WeChatPayClient.ProviderName,
                    name => http.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, body, CancellationToken.None);
                return refused is null ? Results.NoContent() : Fail(StatusCodes.Status400BadRequest, refused);
            }
            catch (Exception ex) when (ex is not Billing.InjectedFaultException)
            {
                logs.CreateLogger(typeof(PaymentsExtensions)).LogError(ex, "WeChat Pay notification could not be applied; WeChat Pay will send it again");
                return Fail(StatusCodes.Status500InternalServerError, "temporarily unable to process");
            }
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static IResult Fail(int status, string message) => Results.Json(new { code = "FAIL", message }, statusCode: status);
}
