using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Tests.TestInfrastructure;

/// <summary>Posts the static-SSR Identity forms (antiforgery included) with a cookie-keeping client.</summary>
public static partial class PortalForms
{
    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public static HttpClient BrowserClient(this PortalFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>GETs <paramref name="path"/>, then POSTs its form named <paramref name="formName"/> with <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string path, string formName, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(path);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"no antiforgery token on {path}");
        var body = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Value),
            ["_handler"] = formName,
        };
        return await client.PostAsync(path, new FormUrlEncodedContent(body));
    }

    /// <summary>GETs <paramref name="page"/> for an antiforgery token, then POSTs <paramref name="fields"/> to the endpoint <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostToEndpointAsync(this HttpClient client, string page, string action, IDictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(page);
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {page}");
        var body = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Value) };
        return await client.PostAsync(action, new FormUrlEncodedContent(body));
    }

    /// <summary>Signs in through <c>/Account/Login</c>; returns the response (302 on success).</summary>
    public static Task<HttpResponseMessage> LogInAsync(this HttpClient client, string email, string password) =>
        client.PostFormAsync("/Account/Login", "login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
