using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Features.MiniProgramCodes;

/// <summary>
/// WeChat's rules for code requests, checked before any debit (docs/wechat.md §5; seed 001 注意事项;
/// seed 004 for <c>scancode_time</c> / 85096), the mapping of seed 000's <c>type</c>, and the JSON body per interface.
/// </summary>
public static class CodeRequestRules
{
    /// <summary>Default width in pixels (docs/wechat.md §5).</summary>
    public const int DefaultWidth = 430;

    /// <summary>Smallest width in pixels.</summary>
    public const int MinWidth = 280;

    /// <summary>Largest width in pixels.</summary>
    public const int MaxWidth = 1280;

    /// <summary>Longest scene, in characters (getUnlimitedQRCode).</summary>
    public const int MaxSceneLength = 32;

    /// <summary>Longest getwxacode path with its query, in characters (seed 004, D-QRA).</summary>
    public const int MaxWxaCodePathLength = 1024;

    /// <summary>Longest createwxaqrcode path, in characters (D-QRC).</summary>
    public const int MaxQrCodePathLength = 128;

    /// <summary>Longest unlimited-code page, in characters.</summary>
    public const int MaxPageLength = 1024;

    /// <summary>Seed 001's default page when the caller gives none.</summary>
    public const string DefaultPage = "pages/index/index";

    /// <summary>The reserved query parameter WeChat refuses with errcode 85096 (seed 004).</summary>
    public const string ReservedParameter = "scancode_time";

    /// <summary>Allowed <c>env_version</c> values, the default first.</summary>
    public static readonly IReadOnlyList<string> EnvVersions = ["release", "trial", "develop"];

    /// <summary>The characters allowed in a scene besides ASCII letters and digits (docs/wechat.md §5; no <c>%</c>).</summary>
    public const string SceneSpecialCharacters = "!#$&'()*+,/:;=?@-._~";

    /// <summary>
    /// Seed 000's <c>type</c>: <c>wxcode</c>/<c>wxcode_a</c> → getwxacode, <c>wxcode_b</c> → getwxacodeunlimit,
    /// <c>wxcode_c</c>/<c>qrcode</c> → createwxaqrcode (case-insensitive); anything else → null.
    /// </summary>
    public static CodeKind? KindOfType(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "wxcode" or "wxcode_a" => CodeKind.WxaCode,
        "wxcode_b" => CodeKind.WxaCodeUnlimited,
        "wxcode_c" or "qrcode" => CodeKind.WxaQrCode,
        _ => null,
    };

    /// <summary>
    /// Seed 000's <c>pagepath</c> (+ optional explicit <c>scene</c>) as page-or-path and scene for <paramref name="kind"/>.
    /// A leading <c>/</c> is dropped as for seed 002's links. For unlimited codes the page is the part before <c>?</c>
    /// and the scene the part after it, unless <paramref name="scene"/> is given, which wins (docs/api.md family A).
    /// </summary>
    public static (string PageOrPath, string? Scene) SplitPagePath(CodeKind kind, string pagePath, string? scene)
    {
        var path = pagePath.Trim().TrimStart('/');
        if (kind != CodeKind.WxaCodeUnlimited) return (path, null);
        var q = path.IndexOf('?');
        var page = q < 0 ? path : path[..q];
        var fromQuery = q < 0 ? null : path[(q + 1)..];
        return (page, string.IsNullOrEmpty(scene) ? fromQuery : scene);
    }

    private static readonly System.Buffers.SearchValues<char> SceneCharacters = System.Buffers.SearchValues.Create(
        Infrastructure.Base62.Alphabet + SceneSpecialCharacters);

    /// <summary>True when <paramref name="c"/> is in WeChat's allowed scene character set.</summary>
    public static bool IsSceneCharacter(char c) =>
        c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z' || SceneSpecialCharacters.Contains(c);

    /// <summary>Validates a scene alone (used by the form as you type). Null when valid.</summary>
    public static string? ValidateScene(string? scene)
    {
        if (string.IsNullOrEmpty(scene)) return "scene参数不能为空";
        if (scene.Length > MaxSceneLength) return $"scene 最多 {MaxSceneLength} 个可见字符（当前 {scene.Length} 个）";
        // An index, not FirstOrDefault: a NUL would equal default(char) and pass as "no bad character".
        var badAt = scene.AsSpan().IndexOfAnyExcept(SceneCharacters);
        if (badAt >= 0) return $"scene 含有不支持的字符“{scene[badAt]}”：只支持数字、大小写英文及 {SceneSpecialCharacters}";
        if (HasReservedParameter(scene)) return ReservedMessage;
        return null;
    }

    /// <summary>Validates an unlimited-code page alone; empty means the home page. Null when valid.</summary>
    public static string? ValidatePage(string? page)
    {
        if (string.IsNullOrEmpty(page)) return null;
        if (page.StartsWith('/')) return "page 根路径前不要加 /";
        if (page.Contains('?')) return "page 不能携带参数，参数请放在 scene 里";
        if (page.Length > MaxPageLength) return $"page 过长（上限 {MaxPageLength} 个字符）";
        if (page.Any(Links.MiniProgramPage.IsUnsafeCharacter)) return "page 不能包含空白、控制或格式字符";
        return null;
    }

    /// <summary>Validates a getwxacode / createwxaqrcode path alone. Null when valid.</summary>
    public static string? ValidatePath(CodeKind kind, string? path)
    {
        if (string.IsNullOrEmpty(path)) return "path 不能为空";
        if (path.StartsWith('/')) return "path 根路径前不要加 /";
        var max = kind == CodeKind.WxaQrCode ? MaxQrCodePathLength : MaxWxaCodePathLength;
        if (path.Length > max) return $"path 过长（上限 {max} 个字符）";
        if (path.Any(Links.MiniProgramPage.IsUnsafeCharacter)) return "path 不能包含空白、控制或格式字符";
        var q = path.IndexOf('?');
        if (q == 0 && kind == CodeKind.WxaQrCode) return "path 缺少页面路径";
        if (q >= 0 && HasReservedParameter(path[(q + 1)..])) return ReservedMessage;
        return null;
    }

    /// <summary>Validates a width alone. Null when valid.</summary>
    public static string? ValidateWidth(int width) =>
        width is < MinWidth or > MaxWidth ? $"width 必须在 {MinWidth}–{MaxWidth} 像素之间" : null;

    /// <summary>
    /// Validates and normalises <paramref name="input"/>. Returns the request, or an error message (Chinese) saying
    /// which rule failed with the WeChat errcode WeChat itself would have answered (40169/40129 scene, 85096 reserved
    /// parameter, 40159 path, 40097 other arguments); an error here means nothing is debited.
    /// </summary>
    public static CodeValidation Normalise(CodeRequestInput input)
    {
        var width = input.Width ?? DefaultWidth;
        if (ValidateWidth(width) is { } widthError) return Invalid(widthError, InvalidArgs);

        var env = string.IsNullOrWhiteSpace(input.EnvVersion) ? EnvVersions[0] : input.EnvVersion.Trim();
        if (!EnvVersions.Contains(env)) return Invalid("env_version 只能是 release、trial 或 develop", InvalidArgs);

        var color = input.LineColor ?? LineColor.Black;
        if (!IsChannel(color.R) || !IsChannel(color.G) || !IsChannel(color.B)) return Invalid("line_color 的 r、g、b 必须是 0–255 的整数", InvalidArgs);

        var autoColor = input.AutoColor ?? false;
        var hyaline = input.IsHyaline ?? false;
        if (autoColor) color = LineColor.Black; // WeChat ignores line_color when auto_color is on.

        var pageOrPath = input.PageOrPath?.Trim() ?? "";
        switch (input.Kind)
        {
            case CodeKind.WxaCodeUnlimited:
            {
                var scene = input.Scene ?? "";
                if (ValidateScene(scene) is { } sceneError) return Invalid(sceneError, SceneErrCode(scene));
                if (ValidatePage(pageOrPath) is { } pageError) return Invalid(pageError, InvalidArgs);
                // Unreleased versions have no released pages to check against (docs/wechat.md §5).
                var checkPath = input.CheckPath ?? env == "release";
                if (checkPath && env != "release") return Invalid("env_version 为 trial 或 develop 时 check_path 必须为 false", InvalidArgs);
                return Valid(new CodeRequest(input.Kind, pageOrPath, scene, width, autoColor, color, hyaline, env, checkPath));
            }
            case CodeKind.WxaCode:
                if (ValidatePath(input.Kind, pageOrPath) is { } pathError) return Invalid(pathError, PathErrCode(pageOrPath));
                return Valid(new CodeRequest(input.Kind, pageOrPath, null, width, autoColor, color, hyaline, env, true));
            case CodeKind.WxaQrCode:
                if (ValidatePath(input.Kind, pageOrPath) is { } qrPathError) return Invalid(qrPathError, PathErrCode(pageOrPath));
                // createwxaqrcode takes path and width only (D-QRC).
                return Valid(new CodeRequest(input.Kind, pageOrPath, null, width, false, LineColor.Black, false, EnvVersions[0], true));
            default:
                return Invalid("不支持的小程序码类型", InvalidArgs);
        }
    }

    /// <summary>
    /// WeChat's JSON body for <paramref name="request"/> (docs/wechat.md §5): unlimited
    /// <c>{scene, page?, check_path, env_version, width, auto_color, line_color{r,g,b}, is_hyaline}</c> (page omitted for
    /// the home page); getwxacode <c>{path, width, auto_color, line_color, is_hyaline, env_version}</c>; createwxaqrcode
    /// <c>{path, width}</c>. Properties are always written in this order, so the text is canonical.
    /// </summary>
    public static JsonObject WeChatBody(CodeRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) WriteWeChatBody(writer, request);
        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>
    /// Writes <see cref="WeChatBody"/>'s object to <paramref name="writer"/>: the one place that decides its fields and
    /// their order, and the bytes <see cref="Hash"/> hashes (JSON's default escaping, no whitespace).
    /// </summary>
    private static void WriteWeChatBody(Utf8JsonWriter writer, CodeRequest request)
    {
        writer.WriteStartObject();
        switch (request.Kind)
        {
            case CodeKind.WxaCodeUnlimited:
                writer.WriteString("scene", request.Scene);
                if (request.PageOrPath.Length > 0) writer.WriteString("page", request.PageOrPath);
                writer.WriteBoolean("check_path", request.CheckPath);
                writer.WriteString("env_version", request.EnvVersion);
                writer.WriteNumber("width", request.Width);
                writer.WriteBoolean("auto_color", request.AutoColor);
                WriteColor();
                writer.WriteBoolean("is_hyaline", request.IsHyaline);
                break;
            case CodeKind.WxaCode:
                writer.WriteString("path", request.PageOrPath);
                writer.WriteNumber("width", request.Width);
                writer.WriteBoolean("auto_color", request.AutoColor);
                WriteColor();
                writer.WriteBoolean("is_hyaline", request.IsHyaline);
                writer.WriteString("env_version", request.EnvVersion);
                break;
            default:
                writer.WriteString("path", request.PageOrPath);
                writer.WriteNumber("width", request.Width);
                break;
        }
        writer.WriteEndObject();

        void WriteColor()
        {
            writer.WriteStartObject("line_color");
            writer.WriteNumber("r", request.LineColor.R);
            writer.WriteNumber("g", request.LineColor.G);
            writer.WriteNumber("b", request.LineColor.B);
            writer.WriteEndObject();
        }
    }

    /// <summary>
    /// The cache key: lower-case SHA-256 hex (64 chars) of the UTF-8 text <c>{appId}\n{interface}\n{WeChat body}</c>,
    /// the body as <see cref="WriteWeChatBody"/> writes it. Equal for requests that produce the same image; stored with
    /// every cached image, so these bytes never change between versions.
    /// </summary>
    public static string Hash(string appId, CodeRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encoding.UTF8.GetBytes($"{appId}\n{request.Kind}\n", buffer);
        using (var writer = new Utf8JsonWriter(buffer)) WriteWeChatBody(writer, request);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>
    /// <paramref name="scene"/> made safe for a file name (seed 001's <c>qrcode_&lt;scene&gt;.png</c>): letters, digits,
    /// <c>-</c>, <c>_</c> and <c>.</c> kept, everything else replaced by <c>_</c>; empty becomes <c>code</c>.
    /// </summary>
    public static string FileSafe(string? scene)
    {
        if (string.IsNullOrEmpty(scene)) return "code";
        var chars = scene.Select(c => c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '-' or '_' or '.' ? c : '_').ToArray();
        var safe = new string(chars).Trim('.');
        return safe.Length == 0 ? "code" : safe;
    }

    private const int InvalidArgs = 40097;

    private static CodeValidation Valid(CodeRequest request) => new(request, null, 0);

    private static CodeValidation Invalid(string message, int errCode) => new(null, message, errCode);

    private static int SceneErrCode(string scene) =>
        string.IsNullOrEmpty(scene) || scene.Length > MaxSceneLength ? 40169
        : HasReservedParameter(scene) && scene.All(IsSceneCharacter) ? 85096
        : 40129;

    private static int PathErrCode(string path) =>
        path.IndexOf('?') is var q and >= 0 && HasReservedParameter(path[(q + 1)..]) && !path.StartsWith('/') ? 85096 : 40159;

    private const string ReservedMessage = "scancode_time 为系统保留参数，不允许配置（85096）";

    private static bool IsChannel(int v) => v is >= 0 and <= 255;

    private static bool HasReservedParameter(string query) =>
        query.Split('&').Any(p => p.Split('=', 2)[0].Trim().Equals(ReservedParameter, StringComparison.OrdinalIgnoreCase));
}
