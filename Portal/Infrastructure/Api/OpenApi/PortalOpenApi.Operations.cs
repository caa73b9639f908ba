using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.RateLimiting;

namespace Portal.Infrastructure.Api.OpenApi;

// Each operation as it answers: summaries, parameters, the token scheme, Idempotency-Key, every status in its envelope.
public static partial class PortalOpenApi
{
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
}
