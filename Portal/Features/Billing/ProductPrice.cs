namespace Portal.Features.Billing;

/// <summary>The admin-editable price of one billable product, in fen.</summary>
public sealed class ProductPrice
{
    /// <summary>Product code (see <see cref="BillableProducts"/>).</summary>
    public required string Product { get; init; }

    /// <summary>Price per call in fen (≥ 0).</summary>
    public long PriceFen { get; set; }

    /// <summary>Last change (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// The billable products and their default prices in fen. Seed 002 fixes 0.10 (10 fen) per successful call.
/// </summary>
public static class BillableProducts
{
    /// <summary>
    /// Highest price an admin may set for one call: 10000 fen (¥100.00). A guard against a slip of the keyboard (a price
    /// typed in fen where yuan were meant is 100 times too high), not a business rule; raise it here if one is needed.
    /// </summary>
    public const long MaxPriceFen = 10_000;

    /// <summary>POST /generate-shortlink (seed 002 §3).</summary>
    public const string ShortLinkCreate = "shortlink.create";

    /// <summary>POST /generate-miniprogram-link (seed 002 §1).</summary>
    public const string MiniProgramLinkCreate = "mplink.create";

    /// <summary>POST /decode-link (seed 002 §2).</summary>
    public const string MiniProgramLinkDecode = "mplink.decode";

    /// <summary>Every mini-program code generation, cache hits included (seeds 000, 001, 003 qrcode/unlimited).</summary>
    public const string QrCodeGenerate = "qrcode.generate";

    /// <summary>GET /wx/mini/v1/{appId}/{secret}/code2Session (seed 003).</summary>
    public const string WeChatCode2Session = "wechat.code2session";

    /// <summary>GET /wx/mini/v1/{appId}/decode (seed 003).</summary>
    public const string WeChatDecode = "wechat.decode";

    /// <summary>GET /wx/mini/v1/{appId}/openId (seed 003); free by default.</summary>
    public const string WeChatOpenId = "wechat.openid";

    /// <summary>GET /wx/mini/v1/{appId}/unionId (seed 003); free by default.</summary>
    public const string WeChatUnionId = "wechat.unionid";

    /// <summary>GET /wx/mini/v1/{appId}/{secret}/access_token (seed 003); free by default.</summary>
    public const string WeChatAccessToken = "wechat.access_token";

    /// <summary>Default price for every product: 10 fen = 0.10.</summary>
    public const long DefaultPriceFen = 10;

    /// <summary>Every product with its default price, in display order.</summary>
    public static readonly IReadOnlyList<(string Product, long DefaultPriceFen)> All =
    [
        (ShortLinkCreate, DefaultPriceFen),
        (MiniProgramLinkCreate, DefaultPriceFen),
        (MiniProgramLinkDecode, DefaultPriceFen),
        (QrCodeGenerate, DefaultPriceFen),
        (WeChatCode2Session, DefaultPriceFen),
        (WeChatDecode, DefaultPriceFen),
        (WeChatOpenId, 0),
        (WeChatUnionId, 0),
        (WeChatAccessToken, 0),
    ];

    /// <summary>The default price of <paramref name="product"/> in fen (from <see cref="All"/>), or null for an unknown product.</summary>
    public static long? DefaultPriceFenOf(string product)
    {
        foreach (var (known, fen) in All)
            if (known == product) return fen;
        return null;
    }
}
