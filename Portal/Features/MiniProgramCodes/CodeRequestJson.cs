using System.Globalization;
using System.Text.Json;
using Portal.Infrastructure.Api;

namespace Portal.Features.MiniProgramCodes;

/// <summary>
/// Reads code requests of seeds 000 and 001 (snake_case) and 003 (camelCase) from a JSON body read by <see cref="ApiJson"/>.
/// Wrong types are errors (Chinese message naming the field), so the route answers 400 before any debit.
/// </summary>
public static class CodeRequestJson
{
    /// <summary>Field names of one seed.</summary>
    /// <param name="AutoColor">auto_color / autoColor.</param>
    /// <param name="LineColor">line_color / lineColor.</param>
    /// <param name="IsHyaline">is_hyaline / isHyaline.</param>
    /// <param name="EnvVersion">env_version / envVersion.</param>
    /// <param name="CheckPath">check_path / checkPath.</param>
    public sealed record FieldNames(string AutoColor, string LineColor, string IsHyaline, string EnvVersion, string CheckPath);

    /// <summary>Seed 001 (and WeChat's own) names.</summary>
    public static readonly FieldNames SnakeCase = new("auto_color", "line_color", "is_hyaline", "env_version", "check_path");

    /// <summary>Seed 003 names.</summary>
    public static readonly FieldNames CamelCase = new("autoColor", "lineColor", "isHyaline", "envVersion", "checkPath");

    /// <summary>
    /// Reads an unlimited-code request <c>{scene, page?, width?, auto_color?, line_color?, is_hyaline?, env_version?,
    /// check_path?}</c> in the given naming. <paramref name="defaultPage"/> is used when <c>page</c> is absent or empty.
    /// </summary>
    public static (CodeRequestInput? Input, string? Error) ReadUnlimited(JsonElement body, FieldNames names, string? defaultPage)
    {
        var (scene, sceneError) = ApiJson.OptionalString(body, "scene");
        if (sceneError is not null) return (null, sceneError);
        if (string.IsNullOrEmpty(scene)) return (null, "scene参数不能为空");
        var (page, pageError) = ApiJson.OptionalString(body, "page");
        if (pageError is not null) return (null, pageError);
        return ReadOptions(body, names, CodeKind.WxaCodeUnlimited, string.IsNullOrEmpty(page) ? defaultPage : page, scene);
    }

    /// <summary>
    /// Reads a seed 000 request <c>{appid, pagepath, type, scene?}</c> plus the drawing options in WeChat's names — the one
    /// place that checks its shape: the fields' types, <c>type</c> (<see cref="CodeRequestRules.KindOfType"/>), and a scene
    /// for <c>wxcode_b</c>, after <c>?</c> in <c>pagepath</c> or in <c>scene</c> (an explicit <c>scene</c> wins). The
    /// values themselves (lengths, characters, width…) are <see cref="CodeRequestRules.Normalise"/>'s.
    /// </summary>
    /// <returns>The AppID and the input, or an error message (Chinese) for a 400.</returns>
    public static (string? AppId, CodeRequestInput? Input, string? Error) ReadGenerateQr(JsonElement body)
    {
        var (appId, appIdError) = ApiJson.RequiredString(body, "appid");
        var (pagePath, pageError) = ApiJson.RequiredString(body, "pagepath");
        var (type, typeError) = ApiJson.RequiredString(body, "type");
        var (scene, sceneError) = ApiJson.OptionalString(body, "scene");
        if ((appIdError ?? pageError ?? typeError ?? sceneError) is { } fieldError) return (null, null, fieldError);
        if (CodeRequestRules.KindOfType(type) is not { } kind)
            return (null, null, $"不支持的 type：{type}（可选 wxcode、wxcode_a、wxcode_b、wxcode_c、qrcode）");
        var (pageOrPath, effectiveScene) = CodeRequestRules.SplitPagePath(kind, pagePath!, scene);
        if (kind == CodeKind.WxaCodeUnlimited && string.IsNullOrEmpty(effectiveScene))
            return (null, null, "type 为 wxcode_b 时需要 scene：写在 pagepath 的 ? 之后，或用 scene 字段给出");
        var (input, optionError) = ReadOptions(body, SnakeCase, kind, pageOrPath, effectiveScene);
        return (appId, input, optionError);
    }

    /// <summary>
    /// Reads the optional drawing options <c>width, auto_color, line_color, is_hyaline, env_version, check_path</c> (in
    /// the given naming) around an already read interface, page-or-path and scene.
    /// </summary>
    public static (CodeRequestInput? Input, string? Error) ReadOptions(JsonElement body, FieldNames names, CodeKind kind, string? pageOrPath, string? scene)
    {
        var (width, widthError) = OptionalInt(body, "width");
        if (widthError is not null) return (null, widthError);
        var (autoColor, autoError) = OptionalBool(body, names.AutoColor);
        if (autoError is not null) return (null, autoError);
        var (lineColor, colorError) = OptionalLineColor(body, names.LineColor);
        if (colorError is not null) return (null, colorError);
        var (hyaline, hyalineError) = OptionalBool(body, names.IsHyaline);
        if (hyalineError is not null) return (null, hyalineError);
        var (env, envError) = ApiJson.OptionalString(body, names.EnvVersion);
        if (envError is not null) return (null, envError);
        var (checkPath, checkError) = OptionalBool(body, names.CheckPath);
        if (checkError is not null) return (null, checkError);
        return (new CodeRequestInput(kind, pageOrPath, scene, width, autoColor, lineColor, hyaline, env, checkPath), null);
    }

    /// <summary>An optional integer field: null when absent or null; an error for non-integers or other types.</summary>
    public static (int? Value, string? Error) OptionalInt(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null) return (null, null);
        return p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var v) ? (v, null) : (null, $"参数 {name} 必须是整数");
    }

    /// <summary>An optional boolean field: null when absent or null; an error for other types.</summary>
    public static (bool? Value, string? Error) OptionalBool(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null) return (null, null);
        return p.ValueKind switch
        {
            JsonValueKind.True => (true, null),
            JsonValueKind.False => (false, null),
            _ => (null, $"参数 {name} 必须是布尔值 true 或 false"),
        };
    }

    /// <summary>
    /// An optional line colour: an object <c>{"r":0,"g":0,"b":0}</c> whose channels are integers or decimal strings
    /// (WeChat's own example writes <c>{"r":"xxx",…}</c>), or that object as a JSON string (seed 003). Missing channels
    /// are 0. Range (0–255) is checked by <see cref="CodeRequestRules.Normalise"/>.
    /// </summary>
    public static (LineColor? Value, string? Error) OptionalLineColor(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null) return (null, null);
        var error = $"参数 {name} 必须是形如 {{\"r\":0,\"g\":0,\"b\":0}} 的对象";
        if (p.ValueKind == JsonValueKind.String)
        {
            var text = p.GetString()!.Trim();
            if (text.Length == 0) return (null, null);
            try
            {
                using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4 });
                return ReadColor(doc.RootElement, error);
            }
            catch (JsonException)
            {
                return (null, error);
            }
        }
        return ReadColor(p, error);
    }

    private static (LineColor? Value, string? Error) ReadColor(JsonElement o, string error)
    {
        if (o.ValueKind != JsonValueKind.Object) return (null, error);
        var channels = new int[3];
        string[] keys = ["r", "g", "b"];
        for (var i = 0; i < 3; i++)
        {
            if (!o.TryGetProperty(keys[i], out var c) || c.ValueKind == JsonValueKind.Null) continue;
            if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n)) channels[i] = n;
            else if (c.ValueKind == JsonValueKind.String && int.TryParse(c.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s)) channels[i] = s;
            else return (null, error);
        }
        return (new LineColor(channels[0], channels[1], channels[2]), null);
    }
}
