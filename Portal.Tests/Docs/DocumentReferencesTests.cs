using System.Text.RegularExpressions;

namespace Portal.Tests.Docs;

/// <summary>
/// The project documents itself: every <c>.md</c> file a comment, the README or a page under <c>docs/</c> names exists
/// in the repository, and no source comment points at an issue number instead of saying what it guards.
/// </summary>
public sealed partial class DocumentReferencesTests
{
    [Fact]
    public void MarkdownFilesNamedInCodeAndDocs_AllExist()
    {
        var root = RepoRoot();
        var missing = new List<string>();
        foreach (var file in Sources(root).Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md")).Append(Path.Combine(root, "README.md")))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in MarkdownFile().Matches(text))
            {
                var name = m.Value.TrimStart('(', '[', '"', '\'', '`');
                if (name.StartsWith("http", StringComparison.OrdinalIgnoreCase)) continue;
                var candidates = new[] { Path.Combine(root, name), Path.Combine(Path.GetDirectoryName(file)!, name) };
                if (!candidates.Any(File.Exists)) missing.Add($"{Path.GetRelativePath(root, file)}: {name}");
            }
        }
        Assert.True(missing.Count == 0, "named but not in the repository:\n" + string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public void SourceComments_NameNoIssueNumbers()
    {
        var root = RepoRoot();
        var offenders = Sources(root).Append(Path.Combine(root, "test.sh"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => IssueNumber().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    private static IEnumerable<string> Sources(string root) =>
        new[] { "Portal", "Portal.Tests", "Portal.E2E" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith("DocumentReferencesTests.cs", StringComparison.Ordinal));

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Portal.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Portal.sln not found");
        return dir;
    }

    [GeneratedRegex(@"[A-Za-z0-9_./-]*[A-Za-z0-9_-]+\.md\b")]
    private static partial Regex MarkdownFile();

    [GeneratedRegex(@"\b[Ii]ssue [0-9]+")]
    private static partial Regex IssueNumber();
}
