using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portal.Features.ApiTokens;

namespace Portal.Tests.TestInfrastructure;

/// <summary>Assertions on the family A envelope (seeds 000 and 002, docs/api.md) and raw API requests.</summary>
public static class GatewayAssert
{
    /// <summary>A response: status, parsed body and the raw message (headers).</summary>
    public sealed record ApiResponse(int Status, JsonElement Body, HttpResponseMessage Message)
    {
        /// <summary>The <c>X-Request-Id</c> header (fails when absent).</summary>
        public string RequestId => Assert.Single(Message.Headers.GetValues("X-Request-Id"));
    }

    /// <summary>POSTs <paramref name="body"/> verbatim with <paramref name="contentType"/>.</summary>
    public static async Task<ApiResponse> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await client.PostAsync(path, content);
        return new((int)response.StatusCode, await response.ReadJsonAsync(), response);
    }

    /// <summary>POSTs <paramref name="body"/> serialised as JSON.</summary>
    public static Task<ApiResponse> PostAsync(this HttpClient client, string path, object body) =>
        client.PostRawAsync(path, JsonSerializer.Serialize(body));

    /// <summary>An API client that sends the token bare, <c>Authorization: {token}</c> (seed 002 allows both forms).</summary>
    public static HttpClient BareTokenClient(this PortalFactory factory, string token)
    {
        var client = factory.ApiClient(null);
        Assert.True(client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token));
        return client;
    }

    /// <summary>Asserts the body is a JSON object with exactly these property names.</summary>
    public static void HasExactlyKeys(JsonElement body, params string[] keys)
    {
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(keys.Order(StringComparer.Ordinal), body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>Asserts a family A error: HTTP status = <c>code</c>, a non-empty <c>msg</c>, and the balance (absent for 401).</summary>
    public static void IsError(ApiResponse response, int status, string? currentBalance)
    {
        Assert.True(status == response.Status, $"expected {status}, got {response.Status}: {response.Body}");
        Assert.Equal("application/json", response.Message.Content.Headers.ContentType?.MediaType);
        if (currentBalance is null) HasExactlyKeys(response.Body, "code", "msg");
        else HasExactlyKeys(response.Body, "code", "msg", "current_balance");
        Assert.Equal(JsonValueKind.Number, response.Body.GetProperty("code").ValueKind);
        Assert.Equal(status, response.Body.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(response.Body.GetProperty("msg").GetString()));
        if (currentBalance is not null) Assert.Equal(currentBalance, response.Body.GetProperty("current_balance").GetString());
        Assert.False(string.IsNullOrEmpty(response.RequestId));
    }

    /// <summary>Asserts a family A success: HTTP 200, <c>code</c> 200, the seed's <c>msg</c>, and exactly the seed's fields.</summary>
    public static void IsSuccess(ApiResponse response, string msg, string currentBalance, params string[] fields)
    {
        Assert.True(response.Status == 200, $"expected 200, got {response.Status}: {response.Body}");
        HasExactlyKeys(response.Body, ["code", "msg", .. fields, "current_balance"]);
        Assert.Equal(JsonValueKind.Number, response.Body.GetProperty("code").ValueKind);
        Assert.Equal(200, response.Body.GetProperty("code").GetInt32());
        Assert.Equal(msg, response.Body.GetProperty("msg").GetString());
        Assert.Equal(JsonValueKind.String, response.Body.GetProperty("current_balance").ValueKind);
        Assert.Equal(currentBalance, response.Body.GetProperty("current_balance").GetString());
        Assert.False(string.IsNullOrEmpty(response.RequestId));
    }

    /// <summary>A token whose format is valid (checksum included) but which was never issued.</summary>
    public static string UnknownWellFormedToken() => ApiTokenFormat.Generate();
}
