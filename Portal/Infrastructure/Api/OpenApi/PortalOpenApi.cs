using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.RateLimiting;

namespace Portal.Infrastructure.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, built by ASP.NET Core from the endpoints' metadata and completed by
/// the transformers here so that generated clients work unedited: the token scheme on every token route,
/// <c>Idempotency-Key</c>, every status a route can answer in its envelope with the headers that come with it, exact
/// schemas (optional fields optional, numbers only numbers, enums and limits) with examples, and one-line summaries.
/// </summary>
public static partial class PortalOpenApi
{
    /// <summary>The id of the API-token security scheme.</summary>
    public const string TokenScheme = "ApiToken";

    /// <summary>Adds the document <c>v1</c> with Portal's transformers.</summary>
    public static IServiceCollection AddPortalOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        // Generated clients name their classes after these ids; a generic envelope would otherwise be "H5SuccessOfH5QrCodeData".
        // H5Success<H5QrCodeData> → "H5QrCodeResponse".
        options.CreateSchemaReferenceId = info => info.Type is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(H5Success<>)
            ? (type.GenericTypeArguments[0].Name is var data && data.EndsWith("Data", StringComparison.Ordinal) ? data[..^4] : data) + "Response"
            : OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        options.AddSchemaTransformer((schema, _, _) =>
        {
            StrictNumbers(schema);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(new OperationTransformer());
        options.AddDocumentTransformer(new DocumentTransformer());
    });

    /// <summary>
    /// The web serializer reads numbers from strings too, so its schemas say <c>integer | string</c> with a pattern; the API
    /// reads and writes plain JSON numbers, so the document says only <c>integer</c> (or <c>number</c>).
    /// </summary>
    internal static void StrictNumbers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private enum Family { A, B, C }

    /// <summary>The <c>X-RateLimit-*</c> headers every API response carries (see <see cref="ApiLimiters"/>).</summary>
    private static void RateLimitHeaders(OpenApiResponse response, int status)
    {
        response.Headers![ApiLimiters.LimitHeader] = Header("Size of the bucket that binds this call: requests that may be made at once.", IntegerSchema());
        response.Headers[ApiLimiters.RemainingHeader] = Header(status == 429 ? "Requests left in the bucket: 0." : "Requests left in the bucket now.", IntegerSchema());
        response.Headers[ApiLimiters.ResetHeader] = Header(status == 429
            ? "Seconds until a request is allowed again."
            : "Seconds until the bucket is full again.", IntegerSchema());
        response.Headers[ApiLimiters.PolicyHeader] = Header("The sustained rates and bursts: `20;w=1;burst=40;scope=token` is 20 requests a " +
            "second on average per token, with bursts of up to 40; `scope=user` is the same over all tokens of the account.",
            example: "20;w=1;burst=40;scope=token, 40;w=1;burst=80;scope=user");
    }

    private static OpenApiSchema IntegerSchema() => new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" };

    private static OpenApiHeader Header(string description, OpenApiSchema? schema = null, string? example = null) => new()
    {
        Description = description,
        Schema = schema ?? new OpenApiSchema { Type = JsonSchemaType.String },
        Example = example is null ? null : JsonValue.Create(example),
    };

    private static string ErrorDescription(Family family, int status) => (family, status) switch
    {
        (Family.C, 400) => "A missing or invalid parameter: 1001, 1002 or 1003 (missing), 1004 (decryption failed), or the errcode WeChat " +
            "gives for such input (40029, 40097, 40129, 40169, 85096…); nothing was charged, or the charge was refunded.",
        (_, 400) => "Invalid input, a body that is not a JSON object, or a malformed `Idempotency-Key`; nothing was charged.",
        (Family.C, 401) => "A missing or invalid API token, or (code 1000) an unknown or expired session token.",
        (_, 401) => "A missing, unknown, revoked or expired API token.",
        (_, 402) => "The balance is below the price, or the token's daily spend cap is reached; nothing was charged.",
        (_, 403) => "40013: the AppID is not registered by the token's owner; 40125: `{secret}` is not its AppSecret.",
        (_, 404) => "Unknown link, or not an `mp://` link; nothing was charged.",
        (_, 409) => "A request with the same `Idempotency-Key` is still running; retry later.",
        (_, 413) => "The body is over 64 KiB; nothing was charged.",
        (_, 422) => "The `Idempotency-Key` was used for a different request.",
        (_, 429) => "Too many requests for this token or account; retry after `Retry-After` seconds.",
        (_, 500) => "A timeout or an internal failure after the charge; the charge was refunded.",
        (Family.A, 502) => "WeChat refused (its errcode and errmsg are in `detail`); the charge was refunded.",
        (_, 502) => "WeChat refused; the charge was refunded.",
        (_, 503) => "The ledger cannot take the call right now; nothing was charged. Retry after `Retry-After` seconds.",
        _ => "Error.",
    };

    private static JsonNode ErrorExample(Family family, int status)
    {
        var (message, code) = (family, status) switch
        {
            (Family.C, 400) => ("without parameter: token", 1001),
            (Family.C, 401) => ("unauthorized", 1000),
            (Family.C, 403) => ("invalid parameter: secret", 40125),
            (Family.C, 502) => ("system error", -1),
            (_, 400) => (family == Family.B ? "scene参数不能为空" : "缺少参数 appid", status),
            (_, 401) => ("API Token 无效、已过期或已撤销", status),
            (_, 402) => ("余额不足", status),
            (_, 404) => ("短链不存在", status),
            (_, 409) => ("相同 Idempotency-Key 的请求正在处理中，请稍后重试", status),
            (_, 413) => (ApiJson.TooLargeMessage, status),
            (_, 422) => ("Idempotency-Key 已用于另一个不同的请求", status),
            (_, 429) => ("请求过于频繁，请稍后重试", status),
            (_, 502) => ("微信接口错误：invalid page", status),
            (_, 503) => ("服务繁忙，请稍后重试", status),
            _ => ("内部错误，费用已退回", status),
        };
        return family switch
        {
            Family.A => status switch
            {
                401 => new JsonObject { ["code"] = code, ["msg"] = message },
                502 => new JsonObject
                {
                    ["code"] = code, ["msg"] = message,
                    ["detail"] = new JsonObject { ["errcode"] = 41030, ["errmsg"] = "invalid page rid: 6746b1c2-1a2b3c4d-5e6f7a8b" },
                    ["current_balance"] = "19.30",
                },
                _ => new JsonObject { ["code"] = code, ["msg"] = message, ["current_balance"] = "19.30" },
            },
            Family.B => new JsonObject { ["success"] = false, ["message"] = message, ["code"] = code, ["timestamp"] = "2025-01-15T10:00:00Z" },
            _ => new JsonObject { ["code"] = code, ["success"] = false, ["msg"] = message },
        };
    }

    private sealed class DocumentTransformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info = new OpenApiInfo
            {
                Title = "Portal API",
                Version = "1.0",
                Description = OpenApiIntroduction.Markdown,
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[TokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "Authorization",
                Description = "An API token from the API tokens page, sent bare (`Authorization: wxp_…`) or with the Bearer scheme " +
                    "(`Authorization: Bearer wxp_…`); both are accepted. A test-mode token (`wxp_test_…`) spends the test balance " +
                    "and is answered by the built-in WeChat simulator.",
            };
            document.Tags = new HashSet<OpenApiTag>(OpenApiTags.All.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            // Behind a proxy the request's own address is not the public one: clients should call the configured base.
            var publicBase = context.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>().Value.PublicBaseUrl;
            if (!string.IsNullOrWhiteSpace(publicBase)) document.Servers = [new OpenApiServer { Url = publicBase.Trim() }];
            foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
            OpenApiSchemas.Complete(document);
            return Task.CompletedTask;
        }
    }
}
