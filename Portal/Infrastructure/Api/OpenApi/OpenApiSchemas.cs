using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Portal.Infrastructure.Api.OpenApi;

/// <summary>
/// Completes the component schemas that the serializer cannot describe by itself: fields the API omits when empty,
/// enums and limits the handlers enforce, the shapes behind <c>object</c>-typed fields, descriptions and examples
/// (taken from the services whose wire formats the API keeps).
/// </summary>
internal static partial class OpenApiSchemas
{
    private const string Balance = "^[0-9]+\\.[0-9]{2}$";
    private const string AppIdPattern = "^wx[0-9a-f]{16}$";
    private const string ExampleAppId = "wx6b698b0251caccff";

    /// <summary>Applies the fixes to <paramref name="document"/>'s components.</summary>
    public static void Complete(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        schemas["UpstreamErrorDetail"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "WeChat's own answer to a refused call.",
            Required = new HashSet<string> { "errcode", "errmsg" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["errcode"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "WeChat's errcode.", Examples = [41030] },
                ["errmsg"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "WeChat's errmsg.", Examples = ["invalid page rid: 6746b1c2-1a2b3c4d-5e6f7a8b"] },
            },
        };
        schemas["LineColor"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Line colour as decimal RGB channels (used when auto colour is off). Default black.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["r"] = Channel(), ["g"] = Channel(), ["b"] = Channel(),
            },
            Examples = [new JsonObject { ["r"] = 0, ["g"] = 0, ["b"] = 0 }],
        };

        // The decrypted object is described in place (any JSON object); the serializer's own component for it is then unused.
        schemas.Remove("JsonObject");
        foreach (var (name, value) in schemas)
        {
            if (value is not OpenApiSchema schema) continue;
            PortalOpenApi.StrictNumbers(schema);
            foreach (var property in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).Values.OfType<OpenApiSchema>())
            {
                PortalOpenApi.StrictNumbers(property);
                property.Description = null;
            }
            Describe(document, name, schema);
        }
    }

    private static OpenApiSchema Channel() => new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = "255" };

    private static void Describe(OpenApiDocument document, string name, OpenApiSchema schema)
    {
        switch (name)
        {
            case "GatewayError":
                schema.Description = "Error body of envelope A. `code` equals the HTTP status; `current_balance` is absent from 401 answers; `detail` is present on 502 only.";
                schema.Required = new HashSet<string> { "code", "msg" };
                Prop(schema, "detail", new OpenApiSchemaReference("UpstreamErrorDetail", document));
                Prop(schema, "current_balance", BalanceSchema("The balance after any refund."));
                Set(schema, "code", "HTTP status of the answer.", 402);
                Set(schema, "msg", "What went wrong, in Chinese.", "余额不足");
                schema.Examples = [new JsonObject { ["code"] = 402, ["msg"] = "余额不足", ["current_balance"] = "0.05" }];
                break;
            case "H5Error":
                schema.Description = "Error body of envelope B; `code` equals the HTTP status.";
                Set(schema, "success", "Always false.", false);
                Set(schema, "message", "What went wrong, in Chinese (a WeChat errcode is named here).", "scene参数不能为空");
                Set(schema, "code", "HTTP status of the answer.", 400);
                Timestamp(schema);
                schema.Examples = [new JsonObject { ["success"] = false, ["message"] = "scene参数不能为空", ["code"] = 400, ["timestamp"] = "2025-01-15T10:00:00Z" }];
                break;
            case "WxMiniError":
                schema.Description = "Error body of envelope C: `code` is the service's own code (1000–1004, 40013, 40125) or WeChat's errcode.";
                Set(schema, "code", "The error code (not the HTTP status).", 40125);
                Set(schema, "success", "Always false.", false);
                Set(schema, "msg", "What went wrong.", "invalid parameter: secret");
                schema.Examples = [new JsonObject { ["code"] = 40125, ["success"] = false, ["msg"] = "invalid parameter: secret" }];
                break;
            case "WxMiniTextResponse":
                schema.Description = "Success of envelope C with a string in `data`: a session token, an openid, an access_token, or an image as base64.";
                WxMiniSuccess(schema, "wxs_5kQz8vJ2mN4pR7tX1yB3cD6fG9hK0lM");
                break;
            case "WxMiniOptionalTextResponse":
                schema.Description = "Success of envelope C whose `data` is the unionid, or null when WeChat gave none.";
                WxMiniSuccess(schema, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
                break;
            case "WxMiniDecodedResponse":
                schema.Description = "Success of envelope C whose `data` is the decrypted JSON object, as the mini-program's data was encrypted.";
                Prop(schema, "data", new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The decrypted object, including its `watermark`." });
                WxMiniSuccess(schema, null);
                schema.Examples = [new JsonObject
                {
                    ["code"] = 200, ["success"] = true, ["msg"] = "ok",
                    ["data"] = new JsonObject
                    {
                        ["phoneNumber"] = "13800138000",
                        ["watermark"] = new JsonObject { ["appid"] = ExampleAppId, ["timestamp"] = 1736935200 },
                    },
                }];
                break;
            case "GenerateQrRequest":
                schema.Description = "A mini-program code request. Drawing options use WeChat's names.";
                AppId(schema, "appid", "AppID of a mini-program registered on the Mini-programs page.");
                Set(schema, "pagepath", "Page path, e.g. `pages/index/index`; for `wxcode_b` the scene may follow `?`.", "pages/index/index");
                ((OpenApiSchema)schema.Properties!["pagepath"]).MaxLength = 1024;
                Prop(schema, "type", new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "WeChat interface: `wxcode`/`wxcode_a` getwxacode, `wxcode_b` getwxacodeunlimit, `wxcode_c`/`qrcode` createwxaqrcode.",
                    Enum = [.. new[] { "wxcode", "wxcode_a", "wxcode_b", "wxcode_c", "qrcode" }.Select(v => (JsonNode)JsonValue.Create(v))],
                    Examples = ["wxcode"],
                });
                Scene(schema, "scene", required: false);
                DrawingOptions(document, schema, "width", "auto_color", "line_color", "is_hyaline", "env_version", "check_path", lineColorAsString: false);
                schema.Examples = [new JsonObject { ["appid"] = ExampleAppId, ["pagepath"] = "pages/index/index", ["type"] = "wxcode" }];
                break;
            case "GenerateQrResponse":
                schema.Description = "The stored code's address; `msg` says when the image came from the cache.";
                Success(schema);
                Set(schema, "qrcode_url", "Absolute address of the image (no token needed to download it).", "https://portal.example.com/codes/3fJk2mQ9x0aB7cD1eF5gH2");
                schema.Examples = [new JsonObject { ["code"] = 200, ["msg"] = "葵花码生成成功，费用已扣除", ["qrcode_url"] = "https://portal.example.com/codes/3fJk2mQ9x0aB7cD1eF5gH2", ["current_balance"] = "19.30" }];
                break;
            case "H5QrCodeRequest":
                schema.Description = "An unlimited code request. Without `appid` your default mini-program is used.";
                Scene(schema, "scene", required: true);
                Set(schema, "page", "Published page to open, without a leading `/` and without a query. Default `pages/index/index`.", "pages/course/detail");
                DrawingOptions(document, schema, "width", "auto_color", "line_color", "is_hyaline", "env_version", "check_path", lineColorAsString: false);
                AppId(schema, "appid", "AppID of one of your registered mini-programs; default: your default one.");
                schema.Examples = [new JsonObject { ["scene"] = "courseId=123", ["page"] = "pages/course/detail", ["width"] = 500, ["auto_color"] = false, ["line_color"] = new JsonObject { ["r"] = 0, ["g"] = 0, ["b"] = 0 } }];
                break;
            case "H5QrCodeData":
                schema.Description = "The generated code.";
                Set(schema, "qrcode", "The image as a data URL.", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...");
                Set(schema, "base64", "The image as plain base64.", "iVBORw0KGgoAAAANSUhEUgAA...");
                Set(schema, "size", "Size of the image in bytes.", 15234);
                Set(schema, "scene", "The scene used.", "coachId=456&type=share");
                Set(schema, "page", "The page used.", "pages/coach/profile");
                Set(schema, "width", "The width used, in pixels.", 300);
                break;
            case "H5QrCodeResponse":
                schema.Description = "Success of envelope B with the generated code.";
                Set(schema, "success", "Always true.", true);
                Set(schema, "code", "Always 200.", 200);
                Set(schema, "message", "Always 生成小程序码成功.", "生成小程序码成功");
                Prop(schema, "data", new OpenApiSchemaReference("H5QrCodeData", document));
                Timestamp(schema);
                schema.Examples = [new JsonObject
                {
                    ["success"] = true, ["code"] = 200, ["message"] = "生成小程序码成功",
                    ["data"] = new JsonObject
                    {
                        ["qrcode"] = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...", ["base64"] = "iVBORw0KGgoAAAANSUhEUgAA...",
                        ["size"] = 15234, ["scene"] = "coachId=456&type=share", ["page"] = "pages/coach/profile", ["width"] = 300,
                    },
                    ["timestamp"] = "2025-01-15T10:00:00Z",
                }];
                break;
            case "WxMiniUnlimitedRequest":
                schema.Description = "An unlimited code request, in camelCase.";
                Scene(schema, "scene", required: true);
                Set(schema, "page", "Published page to open, without a leading `/`. Default: the home page.", "pages/index/index");
                DrawingOptions(document, schema, "width", "autoColor", "lineColor", "isHyaline", "envVersion", "checkPath", lineColorAsString: true);
                schema.Examples = [new JsonObject { ["scene"] = "id=42", ["page"] = "pages/index/index", ["width"] = 430 }];
                break;
            case "ShortLinkRequest":
                schema.Description = "A web address to shorten.";
                Prop(schema, "longUrl", new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Format = "uri", MaxLength = 2048,
                    Description = "Absolute http or https address, at most 2048 characters.",
                    Examples = ["https://www.example.com/search?q=portal"],
                });
                break;
            case "ShortLinkResponse":
                schema.Description = "The short link.";
                Success(schema);
                Set(schema, "short_url", "The short link; it redirects with 302.", "https://portal.example.com/s/Ab3xY9q");
                schema.Examples = [new JsonObject { ["code"] = 200, ["msg"] = "短链生成成功，费用已扣除", ["short_url"] = "https://portal.example.com/s/Ab3xY9q", ["current_balance"] = "9.90" }];
                break;
            case "MiniProgramLinkRequest":
                schema.Description = "A mini-program page to link to. Any well-formed AppID may be named.";
                AppId(schema, "appid", "AppID of the mini-program (`wx` and 16 hexadecimal characters).");
                Set(schema, "pagepath", "Page path, optionally with a query.", "pages/index/index");
                ((OpenApiSchema)schema.Properties!["pagepath"]).MaxLength = 1024;
                schema.Examples = [new JsonObject { ["appid"] = ExampleAppId, ["pagepath"] = "pages/index/index" }];
                break;
            case "MiniProgramLinkResponse":
                schema.Description = "The `mp://` link.";
                Success(schema);
                Set(schema, "miniprogram_link", "`mp://` and the link's code.", "mp://ilhyu3rfOgfbCYy");
                schema.Examples = [new JsonObject { ["code"] = 200, ["msg"] = "小程序短链生成成功，费用已扣除", ["miniprogram_link"] = "mp://ilhyu3rfOgfbCYy", ["current_balance"] = "19.90" }];
                break;
            case "DecodeLinkRequest":
                schema.Description = "An `mp://` link to read.";
                Set(schema, "link", "The `mp://` link.", "mp://ilhyu3rfOgfbCYy");
                break;
            case "DecodeLinkResponse":
                schema.Description = "The AppID and page behind the link.";
                Success(schema);
                Set(schema, "appid", "The mini-program's AppID.", ExampleAppId);
                Set(schema, "page", "The page path, with its query.", "pages/index/index");
                schema.Examples = [new JsonObject { ["code"] = 200, ["msg"] = "短链解码成功，费用已扣除", ["appid"] = ExampleAppId, ["page"] = "pages/index/index", ["current_balance"] = "19.80" }];
                break;
        }
    }
}
