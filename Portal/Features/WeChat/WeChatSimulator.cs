using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Infrastructure.Api;

namespace Portal.Features.WeChat;

/// <summary>
/// The built-in WeChat simulator that answers every call made with a test-mode token (docs/api.md "Test mode"): it
/// never opens a connection, and needs no registered mini-program — a test caller may name any well-formed AppID and
/// gets a <see cref="MiniProgramApp.IsSandbox"/> app for it (<see cref="SandboxApp"/>). Answers are deterministic:
/// <list type="bullet">
/// <item>code2Session: <see cref="LoginOk"/> → <see cref="OpenId"/>, <see cref="UnionId"/>, <see cref="SessionKey"/>;
/// <see cref="LoginNoUnion"/> → the same without a unionid; <see cref="LoginInvalid"/> (and any other code) → errcode 40029.</item>
/// <item>Code images: a PNG QR code (QRCoder) of <c>path</c>/<c>page</c> and <c>scene</c>, with a "TEST" band.</item>
/// <item>access_token: a fixed token per user and AppID.</item>
/// <item>Errcodes on demand: a login code, <c>scene</c>, <c>path</c> or <c>page</c> of <c>errcode_N</c> (e.g.
/// <c>errcode_45009</c>) answers errcode N, handled (and refunded) exactly as WeChat's own.</item>
/// </list>
/// </summary>
public sealed partial class WeChatSimulator : IWeChatApi
{
    /// <summary>The login code that succeeds, with a unionid.</summary>
    public const string LoginOk = "test_code_ok";

    /// <summary>The login code that succeeds without a unionid.</summary>
    public const string LoginNoUnion = "test_code_nounion";

    /// <summary>The login code WeChat refuses as invalid (errcode 40029).</summary>
    public const string LoginInvalid = "test_code_invalid";

    /// <summary>The openid of every simulated login.</summary>
    public const string OpenId = "oTEST0000000000000000000001";

    /// <summary>The unionid of a <see cref="LoginOk"/> login.</summary>
    public const string UnionId = "uTEST0000000000000000000001";

    /// <summary>The session_key of every simulated login (base64 of the 16 ASCII bytes <c>PortalSandboxKey</c>), for encrypting test data to <c>decode</c>.</summary>
    public const string SessionKey = "UG9ydGFsU2FuZGJveEtleQ==";

    /// <summary>The AppID a test caller's code request uses when it names none (seed 001 without <c>appid</c>).</summary>
    public const string DefaultAppId = "wx0000000000000000";

    /// <summary>The successful logins the simulator knows, by code.</summary>
    public static IReadOnlyDictionary<string, WeChatLogin> Logins { get; } = new Dictionary<string, WeChatLogin>(StringComparer.Ordinal)
    {
        [LoginOk] = new(OpenId, SessionKey, UnionId),
        [LoginNoUnion] = new(OpenId, SessionKey, null),
    };

    /// <summary>The in-memory app a test caller uses for <paramref name="appId"/> (never stored, never sent to WeChat).</summary>
    /// <param name="userId">The test token's owner.</param>
    /// <param name="appId">A well-formed AppID (the caller checks it).</param>
    public static MiniProgramApp SandboxApp(string userId, string appId)
    {
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("portal-sandbox-app\n" + userId + "\n" + appId)).AsSpan(0, 16));
        return new MiniProgramApp
        {
            Id = id, UserId = userId, AppId = appId, Name = appId, ProtectedSecret = "", SecretLast4 = "", IsSandbox = true, IsDefault = appId == DefaultAppId,
        };
    }

    /// <summary>The errcode a value asks for (<c>errcode_45009</c> → 45009), or null.</summary>
    public static int? RequestedErrCode(string? value) =>
        value is not null && ErrCodePattern().Match(value) is { Success: true } m && int.TryParse(m.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) && code != 0
            ? code : null;

    /// <inheritdoc />
    public Task<WeChatResult<WeChatAccessToken>> GetAccessTokenAsync(MiniProgramApp app, bool forceRefresh, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var token = "TEST_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("portal-sandbox-token\n" + app.UserId + "\n" + app.AppId)));
        var day = DateTimeOffset.UnixEpoch;
        return Task.FromResult(WeChatResult<WeChatAccessToken>.Ok(new WeChatAccessToken(token, day, DateTimeOffset.MaxValue)));
    }

    /// <inheritdoc />
    public Task<WeChatResult<WeChatLogin>> Code2SessionAsync(MiniProgramApp app, string jsCode, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (RequestedErrCode(jsCode) is { } errCode) return Task.FromResult(WeChatResult<WeChatLogin>.Error(errCode, ErrMsg(errCode)));
        return Task.FromResult(Logins.TryGetValue(jsCode, out var login)
            ? WeChatResult<WeChatLogin>.Ok(login)
            : WeChatResult<WeChatLogin>.Error(WeChatErrCodes.InvalidCode, ErrMsg(WeChatErrCodes.InvalidCode)));
    }

    /// <inheritdoc />
    public Task<WeChatResult<WeChatImage>> GetWxaCodeAsync(MiniProgramApp app, WxaCodeInterface iface, JsonObject body, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        string? Text(string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        string? scene = Text("scene"), path = Text("path") ?? Text("page");
        if ((RequestedErrCode(scene) ?? RequestedErrCode(path)) is { } errCode)
            return Task.FromResult(WeChatResult<WeChatImage>.Error(errCode, ErrMsg(errCode)));
        var width = body["width"] is JsonValue w && w.TryGetValue<int>(out var px) ? px : 430;
        var content = scene is null ? path ?? "" : $"{path ?? ""}?scene={scene}";
        return Task.FromResult(WeChatResult<WeChatImage>.Ok(new WeChatImage(TestCodePng(content, width), "image/png")));
    }

    /// <summary>
    /// A grayscale PNG about <paramref name="width"/> pixels wide: a QR code of <paramref name="content"/> above a black
    /// band that reads "TEST", so a test image is never mistaken for a real code.
    /// </summary>
    public static byte[] TestCodePng(string content, int width)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(content.Length == 0 ? "TEST" : content, QRCoder.QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix; // includes a 4-module quiet zone
        var modules = matrix.Count;
        var scale = Math.Max(2, Math.Clamp(width, 280, 1280) / modules);
        var size = modules * scale;
        var bandHeight = 9 * Math.Max(2, size / 60);
        var pixels = new byte[size * (size + bandHeight)];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                pixels[y * size + x] = matrix[y / scale][x / scale] ? (byte)0 : (byte)255;
        DrawTestBand(pixels, size, size, bandHeight);
        return Png(pixels, size, size + bandHeight);
    }

    // 5×7 glyphs of T, E, S, T (rows top to bottom, bit 4 = leftmost column).
    private static readonly byte[][] Glyphs =
    [
        [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
        [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
        [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
        [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
    ];

    private static void DrawTestBand(byte[] pixels, int width, int top, int height)
    {
        var unit = height / 9;
        for (var y = top; y < top + height; y++) Array.Fill(pixels, (byte)0, y * width, width);
        var textWidth = (Glyphs.Length * 6 - 1) * unit;
        var left = Math.Max(0, (width - textWidth) / 2);
        for (var g = 0; g < Glyphs.Length; g++)
            for (var row = 0; row < 7; row++)
                for (var col = 0; col < 5; col++)
                {
                    if ((Glyphs[g][row] >> (4 - col) & 1) == 0) continue;
                    for (var dy = 0; dy < unit; dy++)
                        for (var dx = 0; dx < unit; dx++)
                        {
                            int x = left + (g * 6 + col) * unit + dx, y = top + (row + 1) * unit + dy;
                            if (x < width) pixels[y * width + x] = 255;
                        }
                }
    }

    private static byte[] Png(byte[] gray, int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grayscale), deflate, no filter method, no interlace
        Chunk(output, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (var y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(gray, y * width, width);
            }
        Chunk(output, "IDAT", raw.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        output.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(typed));
        output.Write(crc);
    }

    private static string ErrMsg(int errCode) => errCode switch
    {
        WeChatErrCodes.InvalidCode => "invalid code (test mode)",
        WeChatErrCodes.DailyQuota => "reach max api daily quota limit (test mode)",
        WeChatErrCodes.MinuteQuota => "reach max api minute quota limit (test mode)",
        _ => $"simulated errcode {errCode.ToString(CultureInfo.InvariantCulture)} (test mode)",
    };

    [GeneratedRegex(@"^errcode_(-?\d{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrCodePattern();
}

/// <summary>
/// The <see cref="IWeChatApi"/> the application uses: a sandbox app (<see cref="MiniProgramApp.IsSandbox"/>, what every
/// test-mode call uses) goes to the <see cref="WeChatSimulator"/>, every other app to WeChat. So a test-mode call cannot
/// reach WeChat whichever path it takes.
/// </summary>
public sealed class ModeRoutingWeChatApi(WeChatApiClient live, WeChatSimulator simulator) : IWeChatApi
{
    /// <inheritdoc />
    public Task<WeChatResult<WeChatAccessToken>> GetAccessTokenAsync(MiniProgramApp app, bool forceRefresh, CancellationToken ct) =>
        app.IsSandbox ? simulator.GetAccessTokenAsync(app, forceRefresh, ct) : live.GetAccessTokenAsync(app, forceRefresh, ct);

    /// <inheritdoc />
    public Task<WeChatResult<WeChatLogin>> Code2SessionAsync(MiniProgramApp app, string jsCode, CancellationToken ct) =>
        app.IsSandbox ? simulator.Code2SessionAsync(app, jsCode, ct) : live.Code2SessionAsync(app, jsCode, ct);

    /// <inheritdoc />
    public Task<WeChatResult<WeChatImage>> GetWxaCodeAsync(MiniProgramApp app, WxaCodeInterface iface, JsonObject body, CancellationToken ct) =>
        app.IsSandbox ? simulator.GetWxaCodeAsync(app, iface, body, ct) : live.GetWxaCodeAsync(app, iface, body, ct);
}
