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
public static class PortalOpenApi
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

    private sealed class OperationTransformer : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            // The route's own summary and description win over the handlers' code comments, which are written for maintainers.
            operation.Summary = metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault()?.Summary;
            operation.Description = metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault()?.Description;
            var head = string.Equals(context.Description.HttpMethod, HttpMethods.Head, StringComparison.OrdinalIgnoreCase);
            if (head)
            {
                operation.OperationId += "Head";
                operation.Summary = "Check a generated code image without downloading it";
            }
            // Requests are JSON; "*/*" is only listed so that routing lets other types reach the handler (which answers 400).
            operation.RequestBody?.Content?.Remove("*/*");

            var document = context.Document!;
            DescribeParameters(operation, context.Description.RelativePath ?? "");
            var envelope = metadata.OfType<ApiEnvelope>().LastOrDefault();
            if (envelope is null)
            {
                operation.Security = [];
                PublicResponses(operation, context.Description.RelativePath ?? "", head);
                return Task.CompletedTask;
            }

            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TokenScheme, document)] = [] }];
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes a retry safe: a repeat of the same request within 24 hours answers the stored response without a " +
                    "second charge. 1–255 printable ASCII characters, scoped to the token.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyMiddleware.MaxKeyLength, Pattern = "^[\\x20-\\x7E]+$" },
                Example = JsonValue.Create("3f0c2b9e-5d1a-4c57-9a51-0e4f1d2c7b88"),
            });

            var family = envelope switch
            {
                GatewayEnvelope => Family.A,
                H5Envelope => Family.B,
                _ => Family.C,
            };
            var post = string.Equals(context.Description.HttpMethod, HttpMethods.Post, StringComparison.OrdinalIgnoreCase);
            operation.Responses ??= [];
            int[] common = post ? [400, 401, 409, 413, 422, 429, 500, 503] : [400, 401, 409, 422, 429, 500, 503];
            foreach (var status in common)
                if (!operation.Responses.ContainsKey(Key(status))) operation.Responses[Key(status)] = new OpenApiResponse();

            var errorSchema = family switch { Family.A => "GatewayError", Family.B => "H5Error", _ => "WxMiniError" };
            foreach (var (key, value) in operation.Responses.OrderBy(r => r.Key).ToList())
            {
                var status = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
                var response = value as OpenApiResponse ?? new OpenApiResponse();
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["X-Request-Id"] = Header("Your own `X-Request-Id` when it was 1–64 of `[A-Za-z0-9._-]`, otherwise Portal's id " +
                    "of the request; it names the request in Portal's logs. Quote it when asking for help.");
                RateLimitHeaders(response, status);
                if (status >= 400)
                {
                    response.Description = ErrorDescription(family, status);
                    response.Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(errorSchema, document), Example = ErrorExample(family, status) },
                    };
                }
                if (status is >= 200 and < 300)
                {
                    response.Description = "Success; the price was charged.";
                    response.Headers["Idempotent-Replayed"] = Header("`true` when this is the stored response to an earlier request with the same `Idempotency-Key`.",
                        new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] });
                    ImageResponse(response, context.Description.RelativePath ?? "");
                }
                if (status is 429 or 503)
                    response.Headers["Retry-After"] = Header("Seconds to wait before retrying.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" });
                operation.Responses[key] = response;
            }
            operation.Responses = Sorted(operation.Responses);
            return Task.CompletedTask;
        }

        private static void DescribeParameters(OpenApiOperation operation, string path)
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                var (description, example, maxLength, required) = (parameter.In, parameter.Name) switch
                {
                    (ParameterLocation.Path, "appId") => ("AppID of a mini-program you registered (`wx` and 16 hexadecimal characters).", "wx6b698b0251caccff", 32, true),
                    (ParameterLocation.Path, "secret") => ("The mini-program's AppSecret as registered; compared in constant time and never logged.", "0123456789abcdef0123456789abcdef", 64, true),
                    (ParameterLocation.Path, "code") when path.StartsWith("s/", StringComparison.Ordinal) => ("The short link's code.", "Ab3xY9q", 16, true),
                    (ParameterLocation.Path, "code") => ("The `mp://` link's code.", "ilhyu3rfOgfbCYy", 32, true),
                    (ParameterLocation.Path, "publicId") => ("The image's public id, from `qrcode_url`.", "3fJk2mQ9x0aB7cD1eF5gH2", 64, true),
                    (ParameterLocation.Query, "code") => ("The login code from `wx.login()` in the mini-program (printable ASCII, at most 128 characters).", "0a3Xyz000abcDE1FGh200Ij3kL4Xyz0a", 128, true),
                    (ParameterLocation.Query, "sessionkey") => ("A session token from code2Session, or a raw base64 session_key.", "wxs_5kQz8vJ2mN4pR7tX1yB3cD6fG9hK0lM", 256, true),
                    (ParameterLocation.Query, "encryptedData") => ("The `encryptedData` the mini-program received from WeChat (base64).", "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142d", 16384, true),
                    (ParameterLocation.Query, "iv") => ("The `iv` the mini-program received with the data (base64).", "r7BXXKkLb8qrSNn05n0qiA==", 64, true),
                    (ParameterLocation.Query, "token") => ("A session token from code2Session.", "wxs_5kQz8vJ2mN4pR7tX1yB3cD6fG9hK0lM", 256, true),
                    _ => ((string?)null, (string?)null, 0, parameter.Required),
                };
                if (description is null) continue;
                parameter.Description = description;
                parameter.Example = JsonValue.Create(example);
                parameter.Required = required;
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = maxLength };
            }
        }

        private static void ImageResponse(OpenApiResponse response, string path)
        {
            if (!path.StartsWith("api/h5/qrcode/generate", StringComparison.Ordinal) || path.EndsWith("base64", StringComparison.Ordinal)) return;
            response.Description = "The code image (PNG, or JPEG as WeChat sends opaque codes); the price was charged.";
            response.Content = BinaryImage();
            response.Headers!["Content-Disposition"] = Header("`inline; filename=\"qrcode_<scene>.png\"`, the scene made safe for a file name.",
                example: "inline; filename=\"qrcode_id=42.png\"");
            response.Headers["Cache-Control"] = Header("`public, max-age=3600`.", example: H5Envelope.ImageCacheControl);
            response.Headers["Content-Length"] = Header("Size of the image in bytes.", IntegerSchema());
        }

        private static void PublicResponses(OpenApiOperation operation, string path, bool head)
        {
            if (operation.Responses is null) return;
            foreach (var (key, value) in operation.Responses.ToList())
            {
                if (value is not OpenApiResponse response) continue;
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                if (response.Content?.TryGetValue("text/html", out var html) == true) html.Schema ??= new OpenApiSchema { Type = JsonSchemaType.String };
                switch (key)
                {
                    case "302":
                        response.Description = "Redirect to the link's target.";
                        response.Headers["Location"] = Header("The target address, ASCII only (an internationalised host in punycode).",
                            new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" }, "https://www.example.com/search?q=portal");
                        break;
                    case "200" when path.StartsWith("codes/", StringComparison.Ordinal):
                        response.Description = head ? "The image exists; the headers are those a download would have." : "The code image.";
                        response.Content = head ? null : BinaryImage();
                        response.Headers["ETag"] = Header("The image's entity tag; its bytes never change.", example: "\"3fJk2mQ9x0aB7cD1eF5gH2\"");
                        response.Headers["Cache-Control"] = Header("`public, max-age=<seconds until the image expires>, immutable`.",
                            example: "public, max-age=2591999, immutable");
                        response.Headers["Last-Modified"] = Header("When the image was generated.", example: "Fri, 04 Dec 2026 10:00:00 GMT");
                        break;
                    case "200":
                        response.Description = "The landing page.";
                        break;
                    case "304":
                        response.Description = "The copy named by `If-None-Match` is current.";
                        response.Headers["ETag"] = Header("The image's entity tag.", example: "\"3fJk2mQ9x0aB7cD1eF5gH2\"");
                        break;
                    case "404":
                        response.Description = "Unknown (or, for an image, expired).";
                        if (head) response.Content = null;
                        break;
                    case "410":
                        response.Description = "Disabled by the operator, or its target cannot be opened.";
                        break;
                }
            }
            // Public pages share a per-address rate limit; beyond it they answer a short HTML page.
            operation.Responses["429"] = new OpenApiResponse
            {
                Description = "Too many requests from this address; retry after `Retry-After` seconds.",
                Content = head ? null : new Dictionary<string, OpenApiMediaType> { ["text/html"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = Header("Seconds to wait before retrying.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" }),
                },
            };
            if (path.StartsWith("m/", StringComparison.Ordinal) && operation.Responses.TryGetValue("200", out var landing) && landing is OpenApiResponse page)
                page.Headers!["Vary"] = Header("`User-Agent`: phones and WeChat get a page that opens the mini-program, desktops a QR code.", example: "User-Agent");
            if (path.StartsWith("codes/", StringComparison.Ordinal))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-None-Match", In = ParameterLocation.Header, Required = false,
                    Description = "An `ETag` from an earlier download; answers 304 when it is still current.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }

        private static Dictionary<string, OpenApiMediaType> BinaryImage() => new()
        {
            ["image/png"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            ["image/jpeg"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
        };

        private static OpenApiResponses Sorted(OpenApiResponses responses)
        {
            var sorted = new OpenApiResponses();
            foreach (var (key, value) in responses.OrderBy(r => r.Key, StringComparer.Ordinal)) sorted[key] = value;
            return sorted;
        }

        private static string Key(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
