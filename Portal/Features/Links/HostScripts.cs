using System.Globalization;
using System.Text;

namespace Portal.Features.Links;

/// <summary>
/// Unicode scripts of a host name, for the "Highly Restrictive" level of UTS #39 (Unicode Security Mechanisms, §5.2):
/// a host is acceptable when all its letters come from one script, or from one of the combinations that CJK writing
/// uses (Latin + Han + Hiragana + Katakana, Latin + Han + Bopomofo, Latin + Han + Hangul). Digits, the hyphen and
/// combining marks belong to every script. So <c>例子.测试</c>, <c>пример.рф</c> and <c>bücher.de</c> pass, while a
/// Cyrillic look-alike such as <c>аррӏе.com</c> (Cyrillic letters under a Latin top-level domain) does not.
/// </summary>
/// <remarks>
/// .NET has no Unicode script property, so the main scripts are told apart by their code-point blocks (below); a
/// letter outside them counts as a script of its own, which is the cautious reading.
/// </remarks>
public static class HostScripts
{
    private enum Script { Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Bengali, Tamil, Thai, Georgian, Hangul, Hiragana, Katakana, Bopomofo, Han, Other }

    private static readonly (int From, int To, Script Script)[] Blocks =
    [
        (0x0041, 0x005A, Script.Latin), (0x0061, 0x007A, Script.Latin), (0x00AA, 0x00AA, Script.Latin), (0x00BA, 0x00BA, Script.Latin),
        (0x00C0, 0x024F, Script.Latin), (0x1E00, 0x1EFF, Script.Latin), (0x2C60, 0x2C7F, Script.Latin), (0xA720, 0xA7FF, Script.Latin),
        (0xAB30, 0xAB6F, Script.Latin), (0xFF21, 0xFF3A, Script.Latin), (0xFF41, 0xFF5A, Script.Latin),
        (0x0370, 0x03FF, Script.Greek), (0x1F00, 0x1FFF, Script.Greek),
        (0x0400, 0x052F, Script.Cyrillic), (0x1C80, 0x1C8F, Script.Cyrillic), (0x2DE0, 0x2DFF, Script.Cyrillic), (0xA640, 0xA69F, Script.Cyrillic),
        (0x0530, 0x058F, Script.Armenian),
        (0x0590, 0x05FF, Script.Hebrew), (0xFB1D, 0xFB4F, Script.Hebrew),
        (0x0600, 0x06FF, Script.Arabic), (0x0750, 0x077F, Script.Arabic), (0x08A0, 0x08FF, Script.Arabic), (0xFB50, 0xFDFF, Script.Arabic), (0xFE70, 0xFEFF, Script.Arabic),
        (0x0900, 0x097F, Script.Devanagari), (0x0980, 0x09FF, Script.Bengali), (0x0B80, 0x0BFF, Script.Tamil), (0x0E00, 0x0E7F, Script.Thai),
        (0x10A0, 0x10FF, Script.Georgian), (0x2D00, 0x2D2F, Script.Georgian),
        (0x1100, 0x11FF, Script.Hangul), (0x3130, 0x318F, Script.Hangul), (0xA960, 0xA97F, Script.Hangul), (0xAC00, 0xD7AF, Script.Hangul), (0xD7B0, 0xD7FF, Script.Hangul),
        (0x3040, 0x309F, Script.Hiragana),
        (0x30A0, 0x30FF, Script.Katakana), (0x31F0, 0x31FF, Script.Katakana), (0xFF66, 0xFF9F, Script.Katakana),
        (0x3100, 0x312F, Script.Bopomofo), (0x31A0, 0x31BF, Script.Bopomofo),
        (0x2E80, 0x2FDF, Script.Han), (0x3005, 0x3007, Script.Han), (0x3021, 0x3029, Script.Han), (0x3038, 0x303B, Script.Han),
        (0x3400, 0x4DBF, Script.Han), (0x4E00, 0x9FFF, Script.Han), (0xF900, 0xFAFF, Script.Han), (0x20000, 0x3134F, Script.Han),
    ];

    private static readonly Script[][] AllowedCombinations =
    [
        [Script.Latin, Script.Han, Script.Hiragana, Script.Katakana],
        [Script.Latin, Script.Han, Script.Bopomofo],
        [Script.Latin, Script.Han, Script.Hangul],
    ];

    /// <summary>True when the (Unicode) host name mixes scripts beyond UTS #39's Highly Restrictive level.</summary>
    public static bool MixesScripts(string host)
    {
        var scripts = new HashSet<Script>();
        foreach (var rune in host.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue; // digits, '-', '.', marks: common to every script
            scripts.Add(ScriptOf(rune.Value));
        }
        if (scripts.Count <= 1) return false;
        if (scripts.Contains(Script.Other)) return true;
        return !AllowedCombinations.Any(allowed => scripts.All(allowed.Contains));
    }

    private static Script ScriptOf(int codePoint)
    {
        foreach (var (from, to, script) in Blocks)
            if (codePoint >= from && codePoint <= to) return script;
        return Script.Other;
    }

    /// <summary>The Unicode form of an ASCII (punycode) host, for <see cref="MixesScripts"/>; the input when it cannot be decoded.</summary>
    public static string Unicode(string asciiHost)
    {
        try
        {
            return new IdnMapping().GetUnicode(asciiHost);
        }
        catch (ArgumentException)
        {
            return asciiHost;
        }
    }
}
