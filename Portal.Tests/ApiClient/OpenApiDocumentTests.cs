using System.Text.Json;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.ApiClient;

/// <summary>The served OpenAPI document describes what the routes really do (generators rely on every detail checked here).</summary>
public sealed class OpenApiDocumentTests : IClassFixture<PortalFactory>
{
    private static readonly string[] TokenRoutes =
    [
        "post /generate-qr", "post /api/h5/qrcode/generate", "post /api/h5/qrcode/generate-base64", "post /generate-shortlink",
        "post /generate-miniprogram-link", "post /decode-link", "get /wx/mini/v1/{appId}/{secret}/code2Session", "get /wx/mini/v1/{appId}/decode",
        "get /wx/mini/v1/{appId}/unionId", "get /wx/mini/v1/{appId}/openId", "get /wx/mini/v1/{appId}/{secret}/access_token",
        "post /wx/mini/v1/{appId}/{secret}/qrcode/unlimited",
    ];

    private readonly Lazy<Task<JsonElement>> _document;

    public OpenApiDocumentTests(PortalFactory factory) =>
        _document = new(async () => JsonDocument.Parse(await factory.ApiClient(null).GetStringAsync("/openapi/v1.json")).RootElement.Clone());

    private async Task<JsonElement> OperationAsync(string route)
    {
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
        return (await _document.Value).GetProperty("paths").GetProperty(path).GetProperty(method);
    }

    [Fact]
    public async Task Document_TokenScheme_IsAnApiKeyInTheAuthorizationHeader()
    {
        var scheme = (await _document.Value).GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiToken");

        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("Authorization", scheme.GetProperty("name").GetString());
        Assert.Contains("Bearer", scheme.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Document_EveryTokenRoute_HasTheSchemeIdempotencyKeyAndItsErrorStatuses()
    {
        foreach (var route in TokenRoutes)
        {
            var operation = await OperationAsync(route);
            Assert.True(operation.GetProperty("security")[0].TryGetProperty("ApiToken", out _), route);
            Assert.Contains(operation.GetProperty("parameters").EnumerateArray(),
                p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
            var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            foreach (var status in new[] { "200", "400", "401", "402", "409", "422", "429", "500", "503" }) Assert.Contains(status, statuses);
            var tooMany = operation.GetProperty("responses").GetProperty("429").GetProperty("headers");
            foreach (var header in new[] { "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id" })
                Assert.True(tooMany.TryGetProperty(header, out _), $"{route} 429 {header}");
        }
    }

    [Theory]
    [InlineData("get /wx/mini/v1/{appId}/{secret}/code2Session", "code")]
    [InlineData("get /wx/mini/v1/{appId}/decode", "sessionkey,encryptedData,iv")]
    [InlineData("get /wx/mini/v1/{appId}/unionId", "token")]
    [InlineData("get /wx/mini/v1/{appId}/openId", "token")]
    public async Task Document_SessionRoutes_DeclareTheirQueryParametersAsRequired(string route, string names)
    {
        var parameters = (await OperationAsync(route)).GetProperty("parameters").EnumerateArray().ToList();

        foreach (var name in names.Split(','))
            Assert.Contains(parameters, p => p.GetProperty("name").GetString() == name && p.GetProperty("in").GetString() == "query" && p.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task Document_ErrorSchemas_MarkOmittedFieldsOptionalAndNumbersAreNeverStrings()
    {
        var document = await _document.Value;
        var schemas = document.GetProperty("components").GetProperty("schemas");

        Assert.Equal(["code", "msg"], schemas.GetProperty("GatewayError").GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Equal("#/components/schemas/UpstreamErrorDetail", schemas.GetProperty("GatewayError").GetProperty("properties").GetProperty("detail").GetProperty("$ref").GetString());
        Assert.DoesNotContain("\"pattern\": \"^-?(?:0|[1-9]\\\\d*)$\"", document.GetRawText());
        foreach (var schema in schemas.EnumerateObject())
            foreach (var property in schema.Value.TryGetProperty("properties", out var ps) ? ps.EnumerateObject() : Enumerable.Empty<JsonProperty>())
                if (property.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
                    Assert.False(type.EnumerateArray().Any(t => t.GetString() == "string") && type.EnumerateArray().Any(t => t.GetString() is "integer" or "number"),
                        $"{schema.Name}.{property.Name} is typed both number and string");
    }

    [Fact]
    public async Task Document_RequestLimits_AreTheHandlersOwn()
    {
        var schemas = (await _document.Value).GetProperty("components").GetProperty("schemas");
        var h5 = schemas.GetProperty("H5QrCodeRequest").GetProperty("properties");

        Assert.Equal(32, h5.GetProperty("scene").GetProperty("maxLength").GetInt32());
        Assert.Equal(280, h5.GetProperty("width").GetProperty("minimum").GetInt32());
        Assert.Equal(1280, h5.GetProperty("width").GetProperty("maximum").GetInt32());
        Assert.Equal(2048, schemas.GetProperty("ShortLinkRequest").GetProperty("properties").GetProperty("longUrl").GetProperty("maxLength").GetInt32());
        Assert.Equal(["wxcode", "wxcode_a", "wxcode_b", "wxcode_c", "qrcode"],
            schemas.GetProperty("GenerateQrRequest").GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Document_ImageAndRedirectRoutes_DescribeTheirBodiesAndHeaders()
    {
        var image = (await OperationAsync("post /api/h5/qrcode/generate")).GetProperty("responses").GetProperty("200");
        var redirect = (await OperationAsync("get /s/{code}")).GetProperty("responses");

        Assert.Equal("binary", image.GetProperty("content").GetProperty("image/png").GetProperty("schema").GetProperty("format").GetString());
        Assert.True(image.GetProperty("headers").TryGetProperty("Content-Disposition", out _));
        Assert.True(image.GetProperty("headers").TryGetProperty("Cache-Control", out _));
        Assert.False(redirect.TryGetProperty("200", out _));
        Assert.True(redirect.GetProperty("302").GetProperty("headers").TryGetProperty("Location", out _));
        Assert.True(redirect.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.True((await OperationAsync("get /codes/{publicId}")).GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _));
    }

    [Fact]
    public async Task Document_WithPublicBaseUrl_NamesItAsTheServer()
    {
        using var factory = new PortalFactory { Settings = { ["Portal:PublicBaseUrl"] = "https://api.example.test/" } };

        var document = JsonDocument.Parse(await factory.ApiClient(null).GetStringAsync("/openapi/v1.json")).RootElement;

        Assert.Equal(["https://api.example.test"], document.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task Document_Summaries_AreOneLinePlainText()
    {
        var document = await _document.Value;
        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).ToList();

        Assert.Equal(operations.Count, operations.Select(o => o.Value.GetProperty("operationId").GetString()).Distinct().Count());
        foreach (var operation in operations)
        {
            var summary = operation.Value.GetProperty("summary").GetString()!;
            Assert.InRange(summary.Length, 10, 80);
            Assert.DoesNotMatch("[\\n<>&`]|seed|docs/", summary);
            Assert.DoesNotMatch("(?i)seed \\d|docs/|&lt;|&amp;", operation.Value.GetProperty("description").GetString()!);
        }
        foreach (var text in new[] { "Authentication", "Billing", "refund", "Idempotency", "Rate limits", "Envelope A", "Envelope B", "Envelope C" })
            Assert.Contains(text, document.GetProperty("info").GetProperty("description").GetString());
    }
}
