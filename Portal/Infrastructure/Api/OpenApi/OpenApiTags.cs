namespace Portal.Infrastructure.Api.OpenApi;

/// <summary>The tags (sections) of the OpenAPI document, in the order the docs page shows them.</summary>
public static class OpenApiTags
{
    /// <summary>Mini-program codes answered as an address (<c>POST /generate-qr</c>).</summary>
    public const string Codes = "Mini-program codes";

    /// <summary>Unlimited codes answered as an image or base64 (<c>/api/h5/qrcode/…</c>).</summary>
    public const string H5Codes = "H5 codes";

    /// <summary>Short links and <c>mp://</c> links.</summary>
    public const string Links = "Links";

    /// <summary>WeChat login, decryption and access tokens (<c>/wx/mini/v1/…</c>).</summary>
    public const string WxMini = "WeChat central control";

    /// <summary>Public short-link and landing pages, no token.</summary>
    public const string PublicLinks = "Public links";

    /// <summary>Public code images, no token.</summary>
    public const string PublicCodes = "Public code images";

    /// <summary>Each tag's description, in document order.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        (Codes, "Mini-program codes (小程序码) stored by Portal and answered as an address. Responses use envelope A."),
        (H5Codes, "Unlimited mini-program codes answered as an image or as base64. Responses use envelope B."),
        (Links, "Short links to web addresses and `mp://` links to mini-program pages. Responses use envelope A."),
        (WxMini, "Login sessions, data decryption, access tokens and codes for a mini-program you registered. Responses use envelope C."),
        (PublicLinks, "Where short links and `mp://` landing pages lead. No token."),
        (PublicCodes, "Generated code images at unguessable addresses. No token."),
    ];
}
