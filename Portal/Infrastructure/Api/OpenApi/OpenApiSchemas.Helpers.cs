using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Portal.Infrastructure.Api.OpenApi;

// Small builders the schema descriptions share: envelopes, balances, AppIDs, scenes, drawing options.
internal static partial class OpenApiSchemas
{
    private static void Success(OpenApiSchema schema)
    {
        Set(schema, "code", "Always 200.", 200);
        Set(schema, "msg", "Success message, in Chinese.", "费用已扣除");
        Prop(schema, "current_balance", BalanceSchema("The balance after this call's charge."));
    }

    private static void WxMiniSuccess(OpenApiSchema schema, string? data)
    {
        Set(schema, "code", "Always 200.", 200);
        Set(schema, "success", "Always true.", true);
        Set(schema, "msg", "Always ok.", "ok");
        if (data is null) return;
        Set(schema, "data", "The answer.", data);
        schema.Examples = [new JsonObject { ["code"] = 200, ["success"] = true, ["msg"] = "ok", ["data"] = data }];
    }

    private static OpenApiSchema BalanceSchema(string description) => new()
    {
        Type = JsonSchemaType.String, Pattern = Balance, Description = description + " Yuan with two decimals.", Examples = ["19.30"],
    };

    private static void Timestamp(OpenApiSchema schema)
    {
        Prop(schema, "timestamp", new OpenApiSchema
        {
            Type = JsonSchemaType.String, Format = "date-time", Description = "When the answer was made, UTC, whole seconds.", Examples = ["2025-01-15T10:00:00Z"],
        });
    }

    private static void AppId(OpenApiSchema schema, string name, string description)
    {
        var nullable = schema.Properties![name] is OpenApiSchema { Type: { } t } && (t & JsonSchemaType.Null) != 0;
        Prop(schema, name, new OpenApiSchema
        {
            Type = JsonSchemaType.String | (nullable ? JsonSchemaType.Null : 0), Pattern = AppIdPattern, Description = description, Examples = [ExampleAppId],
        });
    }

    private static void Scene(OpenApiSchema schema, string name, bool required)
    {
        Prop(schema, name, new OpenApiSchema
        {
            Type = JsonSchemaType.String | (required ? 0 : JsonSchemaType.Null),
            MinLength = required ? 1 : null, MaxLength = 32,
            Pattern = "^[0-9A-Za-z!#$&'()*+,/:;=?@\\-._~]*$",
            Description = "Scene passed to the mini-program: at most 32 visible characters of digits, letters and `!#$&'()*+,/:;=?@-._~`.",
            Examples = ["id=42"],
        });
    }

    private static void DrawingOptions(OpenApiDocument document, OpenApiSchema schema, string width, string autoColor, string lineColor,
        string isHyaline, string envVersion, string checkPath, bool lineColorAsString)
    {
        Prop(schema, width, new OpenApiSchema
        {
            Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32", Minimum = "280", Maximum = "1280",
            Description = "Width of the code in pixels, 280–1280. Default 430.", Examples = [430],
        });
        Prop(schema, autoColor, new OpenApiSchema { Type = JsonSchemaType.Boolean | JsonSchemaType.Null, Description = "Pick the line colour automatically. Default false." });
        Prop(schema, lineColor, lineColorAsString
            ? new OpenApiSchema
            {
                Description = "Line colour as an object, or that object as a JSON string.",
                OneOf = [new OpenApiSchemaReference("LineColor", document), new OpenApiSchema { Type = JsonSchemaType.String, Examples = ["{\"r\":0,\"g\":0,\"b\":0}"] }],
            }
            : new OpenApiSchemaReference("LineColor", document));
        Prop(schema, isHyaline, new OpenApiSchema { Type = JsonSchemaType.Boolean | JsonSchemaType.Null, Description = "Transparent background (answered as PNG). Default false." });
        Prop(schema, envVersion, new OpenApiSchema
        {
            // Nullable, so that generators make it optional instead of always sending their enum's first member.
            Type = JsonSchemaType.String | JsonSchemaType.Null,
            Enum = [JsonValue.Create("release"), JsonValue.Create("trial"), JsonValue.Create("develop"), null!],
            Description = "Version to open: `release`, `trial` or `develop`. Default release.", Examples = ["release"],
        });
        Prop(schema, checkPath, new OpenApiSchema { Type = JsonSchemaType.Boolean | JsonSchemaType.Null, Description = "Check that the page exists in the published version. Default true." });
    }

    private static void Prop(OpenApiSchema schema, string name, IOpenApiSchema value)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties[name] = value;
    }

    private static void Set(OpenApiSchema schema, string name, string description, JsonNode example)
    {
        if (schema.Properties?.TryGetValue(name, out var p) != true || p is not OpenApiSchema property) return;
        property.Description = description;
        property.Examples = [example];
    }
}
