using System.Text.Json;
using Portal.Features.MiniProgramCodes;

namespace Portal.Tests.Features.MiniProgramCodes;

public sealed class CodeRequestRulesTests
{
    private static CodeRequestInput Unlimited(string? scene = "id=1", string? page = "pages/index/index") =>
        new(CodeKind.WxaCodeUnlimited, page, scene);

    [Theory]
    [InlineData("wxcode", CodeKind.WxaCode)]
    [InlineData("wxcode_a", CodeKind.WxaCode)]
    [InlineData("WXCODE_B", CodeKind.WxaCodeUnlimited)]
    [InlineData("wxcode_c", CodeKind.WxaQrCode)]
    [InlineData("qrcode", CodeKind.WxaQrCode)]
    public void KindOfType_KnownType_MapsToInterface(string type, CodeKind expected) =>
        Assert.Equal(expected, CodeRequestRules.KindOfType(type));

    [Theory]
    [InlineData("wxcode_d")]
    [InlineData("mpshortlink")]
    [InlineData("")]
    [InlineData(null)]
    public void KindOfType_UnknownType_IsNull(string? type) => Assert.Null(CodeRequestRules.KindOfType(type));

    [Fact]
    public void Normalise_UnlimitedDefaults_FillsWeChatDefaults()
    {
        var (request, error) = CodeRequestRules.Normalise(Unlimited());
        Assert.Null(error);
        Assert.Equal(new CodeRequest(CodeKind.WxaCodeUnlimited, "pages/index/index", "id=1", 430, false, LineColor.Black, false, "release", true), request);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("123456789012345678901234567890123")] // 33 chars
    [InlineData("id=中文")]
    [InlineData("a%20b")]
    [InlineData("a b")]
    [InlineData("scancode_time=1")]
    [InlineData("x=1&scancode_time=2")]
    public void Normalise_BadScene_IsRejected(string? scene)
    {
        var (request, error) = CodeRequestRules.Normalise(Unlimited(scene));
        Assert.Null(request);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("12345678901234567890123456789012")] // exactly 32
    [InlineData("!#$&'()*+,/:;=?@-._~")]
    [InlineData("coachId=456&type=share")]
    public void Normalise_SceneAtLimitOrAllSpecials_IsAccepted(string scene) =>
        Assert.Null(CodeRequestRules.Normalise(Unlimited(scene)).Error);

    [Fact]
    public void Normalise_ReservedScene_MentionsErrcode85096() =>
        Assert.Contains("85096", CodeRequestRules.Normalise(Unlimited("scancode_time=1")).Error);

    [Theory]
    [InlineData("/pages/index/index")]
    [InlineData("pages/index/index?x=1")]
    [InlineData("pages/index index")]
    public void Normalise_BadUnlimitedPage_IsRejected(string page) =>
        Assert.NotNull(CodeRequestRules.Normalise(Unlimited(page: page)).Error);

    [Fact]
    public void Normalise_EmptyUnlimitedPage_MeansHomeAndIsOmittedFromBody()
    {
        var (request, _) = CodeRequestRules.Normalise(Unlimited(page: null));
        Assert.Equal("", request!.PageOrPath);
        Assert.False(CodeRequestRules.WeChatBody(request).ContainsKey("page"));
    }

    [Theory]
    [InlineData(279)]
    [InlineData(1281)]
    [InlineData(0)]
    public void Normalise_WidthOutOfRange_IsRejected(int width) =>
        Assert.Contains("width", CodeRequestRules.Normalise(Unlimited() with { Width = width }).Error);

    [Theory]
    [InlineData(280)]
    [InlineData(1280)]
    public void Normalise_WidthAtBounds_IsAccepted(int width) =>
        Assert.Equal(width, CodeRequestRules.Normalise(Unlimited() with { Width = width }).Request!.Width);

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(0, 256, 0)]
    [InlineData(0, 0, 1000)]
    public void Normalise_ColourChannelOutOfRange_IsRejected(int r, int g, int b) =>
        Assert.Contains("line_color", CodeRequestRules.Normalise(Unlimited() with { LineColor = new LineColor(r, g, b) }).Error);

    [Fact]
    public void Normalise_UnknownEnvVersion_IsRejected() =>
        Assert.Contains("env_version", CodeRequestRules.Normalise(Unlimited() with { EnvVersion = "beta" }).Error);

    [Fact]
    public void Normalise_TrialWithoutCheckPath_DefaultsCheckPathToFalse()
    {
        var (request, error) = CodeRequestRules.Normalise(Unlimited() with { EnvVersion = "trial" });
        Assert.Null(error);
        Assert.False(request!.CheckPath);
    }

    [Fact]
    public void Normalise_TrialWithCheckPathTrue_IsRejected() =>
        Assert.Contains("check_path", CodeRequestRules.Normalise(Unlimited() with { EnvVersion = "develop", CheckPath = true }).Error);

    [Fact]
    public void Normalise_AutoColor_ResetsLineColourSoHashesMatch()
    {
        var a = CodeRequestRules.Normalise(Unlimited() with { AutoColor = true, LineColor = new LineColor(9, 9, 9) }).Request!;
        var b = CodeRequestRules.Normalise(Unlimited() with { AutoColor = true }).Request!;
        Assert.Equal(CodeRequestRules.Hash("wx1", a), CodeRequestRules.Hash("wx1", b));
    }

    [Fact]
    public void Normalise_WxaCodePathWithQuery_IsAccepted()
    {
        var (request, error) = CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaCode, "pages/a/b?question_id=22579"));
        Assert.Null(error);
        Assert.Equal("pages/a/b", request!.Page);
        Assert.Null(request.Scene);
    }

    [Fact]
    public void Normalise_WxaCodePathOf1025Chars_IsRejected() =>
        Assert.NotNull(CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaCode, new string('a', 1025))).Error);

    [Fact]
    public void Normalise_WxaCodePathOf1024Chars_IsAccepted() =>
        Assert.Null(CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaCode, new string('a', 1024))).Error);

    [Fact]
    public void Normalise_QrCodePathOver128Chars_IsRejected() =>
        Assert.NotNull(CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaQrCode, new string('a', 129))).Error);

    [Theory]
    [InlineData(CodeKind.WxaCode)]
    [InlineData(CodeKind.WxaQrCode)]
    public void Normalise_PathWithReservedParameter_IsRejectedWith85096(CodeKind kind) =>
        Assert.Contains("85096", CodeRequestRules.Normalise(new CodeRequestInput(kind, "pages/a?x=1&scancode_time=5")).Error);

    [Theory]
    [InlineData(CodeKind.WxaCode, "")]
    [InlineData(CodeKind.WxaCode, null)]
    [InlineData(CodeKind.WxaQrCode, "/pages/a")]
    public void Normalise_MissingOrSlashedPath_IsRejected(CodeKind kind, string? path) =>
        Assert.NotNull(CodeRequestRules.Normalise(new CodeRequestInput(kind, path)).Error);

    [Fact]
    public void WeChatBody_Unlimited_HasEveryFieldInWeChatNames()
    {
        var request = CodeRequestRules.Normalise(Unlimited() with { Width = 500, IsHyaline = true, LineColor = new LineColor(1, 2, 3) }).Request!;
        Assert.Equal(
            """{"scene":"id=1","page":"pages/index/index","check_path":true,"env_version":"release","width":500,"auto_color":false,"line_color":{"r":1,"g":2,"b":3},"is_hyaline":true}""",
            CodeRequestRules.WeChatBody(request).ToJsonString());
    }

    [Fact]
    public void WeChatBody_WxaCode_HasPathAndNoScene() =>
        Assert.Equal(
            """{"path":"pages/a?x=1","width":430,"auto_color":false,"line_color":{"r":0,"g":0,"b":0},"is_hyaline":false,"env_version":"trial"}""",
            CodeRequestRules.WeChatBody(CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaCode, "pages/a?x=1", EnvVersion: "trial")).Request!).ToJsonString());

    [Fact]
    public void WeChatBody_QrCode_HasOnlyPathAndWidth()
    {
        var request = CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaQrCode, "pages/a", Width: 300, IsHyaline: true)).Request!;
        Assert.Equal("""{"path":"pages/a","width":300}""", CodeRequestRules.WeChatBody(request).ToJsonString());
        Assert.False(request.IsHyaline);
    }

    [Fact]
    public void Hash_DiffersByAppAndKind_AndIs64Hex()
    {
        var unlimited = CodeRequestRules.Normalise(Unlimited()).Request!;
        var h = CodeRequestRules.Hash("wxaaaaaaaaaaaaaaaa", unlimited);
        Assert.Matches("^[0-9a-f]{64}$", h);
        Assert.Equal(h, CodeRequestRules.Hash("wxaaaaaaaaaaaaaaaa", CodeRequestRules.Normalise(Unlimited()).Request!));
        Assert.NotEqual(h, CodeRequestRules.Hash("wxbbbbbbbbbbbbbbbb", unlimited));
        var a = CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaCode, "pages/a")).Request!;
        var c = CodeRequestRules.Normalise(new CodeRequestInput(CodeKind.WxaQrCode, "pages/a")).Request!;
        Assert.NotEqual(CodeRequestRules.Hash("wx1", a), CodeRequestRules.Hash("wx1", c));
    }

    /// <summary>
    /// Cached images are found by this hash, so its bytes must never change between versions: these values were taken
    /// from the first implementation (AppID, interface and WeChat's JSON body with JSON's default escaping of
    /// <c>&amp;</c>, <c>'</c> and non-ASCII characters).
    /// </summary>
    [Theory]
    [InlineData(CodeKind.WxaCodeUnlimited, "pages/index/index", "a=1&b='2'", "13b55ebf68b099485b2caa8033f115e0f7a409443c91a7b66de5ae10fbf7fd8f")]
    [InlineData(CodeKind.WxaCode, "pages/a?x=1&y=中文", null, "df32deb892d0546f102466b9deed0ba175624b55720fbd040fa667739f243dc4")]
    [InlineData(CodeKind.WxaQrCode, "pages/a?x=<1>", null, "913699513a9f76aaa0449489e166e2bc8c115e1d7749f13f7910e9fdbce378c7")]
    public void Hash_IsStableAcrossVersions(CodeKind kind, string path, string? scene, string expected)
    {
        var normalised = CodeRequestRules.Normalise(new CodeRequestInput(kind, path, scene, Width: 300, LineColor: new LineColor(1, 2, 3)));
        Assert.Null(normalised.Error);
        Assert.Equal(expected, CodeRequestRules.Hash("wx0123456789abcdef", normalised.Request!));
    }

    [Theory]
    [InlineData("pages/index/index?id=1", null, "pages/index/index", "id=1")]
    [InlineData("/pages/index/index?id=1", "explicit", "pages/index/index", "explicit")]
    [InlineData("pages/index/index", null, "pages/index/index", null)]
    public void SplitPagePath_Unlimited_SplitsQueryIntoSceneAndExplicitSceneWins(string pagePath, string? scene, string page, string? expectedScene) =>
        Assert.Equal((page, expectedScene), CodeRequestRules.SplitPagePath(CodeKind.WxaCodeUnlimited, pagePath, scene));

    [Fact]
    public void SplitPagePath_WxaCode_KeepsQueryInPath() =>
        Assert.Equal(("pages/a?x=1", (string?)null), CodeRequestRules.SplitPagePath(CodeKind.WxaCode, "/pages/a?x=1", "ignored"));

    [Theory]
    [InlineData("courseId=123", "courseId_123")]
    [InlineData("a/b\\c\"d", "a_b_c_d")]
    [InlineData("..", "code")]
    [InlineData(null, "code")]
    public void FileSafe_ReplacesUnsafeCharacters(string? scene, string expected) =>
        Assert.Equal(expected, CodeRequestRules.FileSafe(scene));

    [Fact]
    public void ReadUnlimited_CamelCaseWithLineColorAsString_ReadsEveryField()
    {
        using var doc = JsonDocument.Parse("""{"scene":"a=1","page":"pages/x","width":300,"autoColor":false,"lineColor":"{\"r\":\"10\",\"g\":20,\"b\":30}","isHyaline":true}""");
        var (input, error) = CodeRequestJson.ReadUnlimited(doc.RootElement, CodeRequestJson.CamelCase, null);
        Assert.Null(error);
        Assert.Equal(new CodeRequestInput(CodeKind.WxaCodeUnlimited, "pages/x", "a=1", 300, false, new LineColor(10, 20, 30), true, null, null), input);
    }

    [Theory]
    [InlineData("""{"scene":"a","width":"wide"}""", "width")]
    [InlineData("""{"scene":"a","auto_color":"yes"}""", "auto_color")]
    [InlineData("""{"scene":"a","line_color":[1,2,3]}""", "line_color")]
    [InlineData("""{"scene":"a","line_color":"not json"}""", "line_color")]
    [InlineData("""{"scene":"a","line_color":{"r":"red"}}""", "line_color")]
    [InlineData("""{"scene":5}""", "scene")]
    [InlineData("""{"page":"pages/x"}""", "scene")]
    [InlineData("""{"scene":"a","width":430.5}""", "width")]
    public void ReadUnlimited_WrongTypes_NameTheField(string json, string field)
    {
        using var doc = JsonDocument.Parse(json);
        var (input, error) = CodeRequestJson.ReadUnlimited(doc.RootElement, CodeRequestJson.SnakeCase, CodeRequestRules.DefaultPage);
        Assert.Null(input);
        Assert.Contains(field, error);
    }

    [Fact]
    public void ReadUnlimited_NoPage_UsesGivenDefault()
    {
        using var doc = JsonDocument.Parse("""{"scene":"a"}""");
        Assert.Equal(CodeRequestRules.DefaultPage, CodeRequestJson.ReadUnlimited(doc.RootElement, CodeRequestJson.SnakeCase, CodeRequestRules.DefaultPage).Input!.PageOrPath);
    }
}
