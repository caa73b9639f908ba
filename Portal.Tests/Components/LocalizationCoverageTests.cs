using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Portal.Components.Shared;
using Portal.Features.Admin;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Features.MiniProgramCodes;
using Portal.Features.WeChat;

namespace Portal.Tests.Components;

/// <summary>
/// Every English <c>L["…"]</c> key used by a component has a zh-CN translation (zh-CN is the default culture, so a
/// missing entry shows English on a Chinese page), and the zh-CN resource file has no duplicate names.
/// </summary>
public sealed partial class LocalizationCoverageTests
{
    /// <summary><c>L[</c> followed by a regular C# string literal (escaped characters allowed); group 1 is the raw body.</summary>
    [GeneratedRegex("""\bL\[\s*"((?:[^"\\\r\n]|\\.)*)"\s*[,\]]""")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex AsciiLetter();

    /// <summary>CJK ideographs, CJK symbols and punctuation, and full-width forms.</summary>
    [GeneratedRegex(@"[\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]")]
    private static partial Regex Cjk();

    [Fact]
    public void Every_english_key_used_in_components_has_a_zh_CN_translation()
    {
        var root = RepoRoot();
        var translated = ResxNames(Path.Combine(root, "Portal", "Resources", "SharedResource.zh-CN.resx")).ToHashSet(StringComparer.Ordinal);
        var keys = UsedKeys(Path.Combine(root, "Portal"));

        Assert.NotEmpty(keys); // the scan itself works

        var missing = keys
            .Where(k => AsciiLetter().IsMatch(k.Key) && !Cjk().IsMatch(k.Key) && !translated.Contains(k.Key))
            .OrderBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => $"  \"{k.Key}\"  ({string.Join(", ", k.Value.Order(StringComparer.Ordinal))})")
            .ToList();

        Assert.True(missing.Count == 0,
            $"{missing.Count} key(s) have no entry in SharedResource.zh-CN.resx:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}");
    }

    /// <summary>Ledger kinds and product names are keys built in <see cref="LedgerText"/>, out of the source scan's sight.</summary>
    [Fact]
    public void Every_ledger_kind_and_product_label_has_a_zh_CN_translation()
    {
        var translated = ResxNames(Path.Combine(RepoRoot(), "Portal", "Resources", "SharedResource.zh-CN.resx")).ToHashSet(StringComparer.Ordinal);
        var products = typeof(BillableProducts).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.NotEmpty(products);

        var labels = Enum.GetValues<LedgerEntryKind>().Select(LedgerText.Kind).Concat(products.Select(LedgerText.Product));
        var missing = labels.Where(l => !translated.Contains(l)).ToList();

        Assert.True(missing.Count == 0,
            $"{missing.Count} ledger label(s) have no entry in SharedResource.zh-CN.resx (add a LedgerText mapping and a translation):{Environment.NewLine}{string.Join(Environment.NewLine, missing)}");
    }

    /// <summary>Audit-log action labels are keys built in <see cref="AuditLogPage.ActionLabel"/>, out of the source scan's sight.</summary>
    [Fact]
    public void Every_admin_audit_action_has_a_label_with_a_zh_CN_translation()
    {
        var translated = ResxNames(Path.Combine(RepoRoot(), "Portal", "Resources", "SharedResource.zh-CN.resx")).ToHashSet(StringComparer.Ordinal);
        var labels = AdminActions.All.Select(AuditLogPage.ActionLabel).ToList();

        Assert.Equal(AdminActions.All.Count, labels.Distinct().Count()); // each action has its own label, none falls through
        var missing = labels.Where(l => !translated.Contains(l)).ToList();
        Assert.True(missing.Count == 0, $"no zh-CN entry for: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("SharedResource.zh-CN.resx")]
    [InlineData("SharedResource.en.resx")]
    public void Resx_has_no_duplicate_names_ignoring_case(string file)
    {
        // The resource compiler compares names ignoring case (MSB3568) and silently drops the second entry.
        var names = ResxNames(Path.Combine(RepoRoot(), "Portal", "Resources", file));
        var duplicates = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"  \"{g.Key}\" x{g.Count()}").ToList();

        Assert.True(duplicates.Count == 0,
            $"Duplicate names in {file}:{Environment.NewLine}{string.Join(Environment.NewLine, duplicates)}");
    }

    /// <summary>
    /// The Chinese validation messages the mini-program and code pages show through <c>L[…]</c> have an English entry
    /// (messages that embed the user's input, e.g. the offending scene character, cannot be keys and stay Chinese).
    /// </summary>
    [Fact]
    public void Form_validation_messages_have_an_English_translation()
    {
        var translated = ResxNames(Path.Combine(RepoRoot(), "Portal", "Resources", "SharedResource.en.resx")).ToHashSet(StringComparer.Ordinal);
        var long1025 = new string('a', 1025);
        string?[] messages =
        [
            MiniProgramAppService.ValidateAppId(""), MiniProgramAppService.ValidateAppId("wx12"),
            MiniProgramAppService.ValidateSecret(""), MiniProgramAppService.ValidateSecret("abc"),
            CodeRequestRules.ValidateScene(""), CodeRequestRules.ValidateScene("a=1&scancode_time=2"),
            CodeRequestRules.ValidatePage("/pages/index"), CodeRequestRules.ValidatePage("pages/index?a=1"),
            CodeRequestRules.ValidatePage(long1025), CodeRequestRules.ValidatePage("pages /index"),
            CodeRequestRules.ValidatePath(CodeKind.WxaCode, ""), CodeRequestRules.ValidatePath(CodeKind.WxaCode, "/pages/index"),
            CodeRequestRules.ValidatePath(CodeKind.WxaQrCode, new string('a', 129)), CodeRequestRules.ValidatePath(CodeKind.WxaCode, long1025),
            CodeRequestRules.ValidatePath(CodeKind.WxaCode, "pages /index"), CodeRequestRules.ValidatePath(CodeKind.WxaQrCode, "?a=1"),
            CodeRequestRules.ValidatePath(CodeKind.WxaCode, "pages/index?scancode_time=1"),
            CodeRequestRules.ValidateWidth(CodeRequestRules.MaxWidth + 1),
            CodeRequestRules.Normalise(new(CodeKind.WxaCode, "pages/index", EnvVersion: "beta")).Error,
            CodeRequestRules.Normalise(new(CodeKind.WxaCode, "pages/index", LineColor: new LineColor(256, 0, 0))).Error,
            CodeRequestRules.Normalise(new(CodeKind.WxaCodeUnlimited, "", "a", EnvVersion: "trial", CheckPath: true)).Error,
            CodeRequestRules.Normalise(new((CodeKind)99, "pages/index")).Error,
        ];

        Assert.All(messages, m => Assert.NotNull(m));
        var missing = messages.Distinct().Where(m => !translated.Contains(m!)).ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} message(s) have no entry in SharedResource.en.resx:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}");
    }

    /// <summary>
    /// The link forms show the API's own validation messages (<see cref="ShortLinkTarget.Validate"/>,
    /// <see cref="MiniProgramPage.Validate"/>), which name the seed's JSON fields (<c>longUrl</c>, <c>pagepath</c>). On
    /// the pages each has an English entry and a zh-CN entry that speaks of the form's own field instead.
    /// </summary>
    [Fact]
    public void Link_validation_messages_have_both_translations_without_field_names()
    {
        var root = RepoRoot();
        var english = ResxNames(Path.Combine(root, "Portal", "Resources", "SharedResource.en.resx")).ToHashSet(StringComparer.Ordinal);
        var chinese = ResxEntries(Path.Combine(root, "Portal", "Resources", "SharedResource.zh-CN.resx"));
        string[] own = ["portal.test"];
        string?[] messages =
        [
            ShortLinkTarget.Validate("", own).Error, ShortLinkTarget.Validate("https://a.example/" + new string('a', 3000), own).Error,
            ShortLinkTarget.Validate("not a url", own).Error, ShortLinkTarget.Validate("https://a.example/\u200Bx", own).Error,
            ShortLinkTarget.Validate("ftp://a.example/", own).Error, ShortLinkTarget.Validate("https://u:p@a.example/", own).Error,
            ShortLinkTarget.Validate("http://127.0.0.1/", own).Error, ShortLinkTarget.Validate("https://portal.test/x", own).Error,
            ShortLinkTarget.Validate("http://localhost/", own).Error, ShortLinkTarget.Validate("https://\u0430\u0440\u0440\u04CFe.com/", own).Error,
            ShortLinkTarget.Validate("https://blocked.example/", own, ["blocked.example"]).Error,
            MiniProgramPage.Validate("").Error, MiniProgramPage.Validate(new string('a', 2021)).Error,
            MiniProgramPage.Validate("pages /index").Error, MiniProgramPage.Validate("?a=1").Error,
        ];

        Assert.All(messages, m => Assert.NotNull(m));
        var problems = messages.Distinct()
            .SelectMany(m => (english.Contains(m!) ? [] : new[] { $"  no English entry: {m}" })
                .Concat(chinese.TryGetValue(m!, out var zh)
                    ? (zh.Contains("longUrl", StringComparison.Ordinal) || zh.Contains("pagepath", StringComparison.Ordinal) ? [$"  zh-CN names the field: {zh}"] : [])
                    : [$"  no zh-CN entry: {m}"]))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Key_scanner_reads_escaped_quotes()
    {
        const string source = """
            Snackbar.Add(L["Token \"{0}\" created", name]);
            <MudText>@L["Plain"]</MudText> @L["Back\\slash"]
            """;

        var keys = KeyPattern().Matches(source).Select(m => Unescape(m.Groups[1].Value)).ToList();

        Assert.Equal(["Token \"{0}\" created", "Plain", "Back\\slash"], keys);
    }

    /// <summary>Keys found in every <c>.razor</c> and <c>.razor.cs</c> under <paramref name="portalDir"/>, with the files using each.</summary>
    private static Dictionary<string, HashSet<string>> UsedKeys(string portalDir)
    {
        var keys = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(portalDir, "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(portalDir, "*.razor.cs", SearchOption.AllDirectories))
            .Where(f => !IsBuildOutput(portalDir, f));
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(portalDir, file).Replace('\\', '/');
            foreach (Match m in KeyPattern().Matches(File.ReadAllText(file)))
            {
                var key = Unescape(m.Groups[1].Value);
                if (!keys.TryGetValue(key, out var users)) keys[key] = users = new HashSet<string>(StringComparer.Ordinal);
                users.Add(relative);
            }
        }
        return keys;
    }

    private static bool IsBuildOutput(string portalDir, string file)
    {
        var first = Path.GetRelativePath(portalDir, file).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }

    /// <summary>Undoes the simple escapes of a regular C# string literal (<c>\"</c>, <c>\\</c>, <c>\n</c>, …).</summary>
    private static string Unescape(string body)
    {
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 == body.Length)
            {
                sb.Append(body[i]);
                continue;
            }
            var c = body[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'u' when i + 4 < body.Length:
                    sb.Append((char)Convert.ToInt32(body.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: sb.Append(c); break; // \" \\ \'
            }
        }
        return sb.ToString();
    }

    private static List<string> ResxNames(string path) =>
        XDocument.Load(path).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();

    private static Dictionary<string, string> ResxEntries(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    /// <summary>The directory holding Portal.sln, found by walking up from the test binaries.</summary>
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }
}
