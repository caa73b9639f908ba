using System.Reflection;
using System.Text.RegularExpressions;

namespace Portal.Tests.Architecture;

/// <summary>
/// Infrastructure does not reach into features (docs/architecture.md, Layout): the shared machinery under
/// <c>Portal.Infrastructure</c> defines the small interfaces it needs (<c>IApiCallers</c>, <c>IIdempotentSettlement</c>,
/// <c>IApiOutcome</c>) and the features implement them. Checked twice: over the compiled types' signatures (base types,
/// interfaces, fields, properties, methods, generic arguments) and over the source text (which also sees method bodies).
/// Two places compose every feature by design and are exempt: <c>Persistence</c> (the one database model lists every
/// feature's entities; the migrations) and <c>BackgroundJobs</c> (the one schedule of every feature's jobs).
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string[] Composition = ["Portal.Infrastructure.Persistence", "Portal.Infrastructure.BackgroundJobs"];

    private static readonly string[] FeatureNamespaces = typeof(Program).Assembly.GetTypes()
        .Select(t => t.Namespace).OfType<string>()
        .Where(n => n.StartsWith("Portal.Features.", StringComparison.Ordinal))
        .Select(n => n.Split('.')[2]).Distinct().Order().ToArray();

    [Fact]
    public void InfrastructureTypes_ReferenceNoFeatureTypeInTheirSignatures()
    {
        var offenders = new List<string>();
        foreach (var type in typeof(Program).Assembly.GetTypes().Where(IsCheckedInfrastructure))
            foreach (var (where, used) in SignatureTypes(type))
                if (IsFeature(used)) offenders.Add($"{type.FullName} {where}: {used.FullName}");

        Assert.True(offenders.Count == 0, "infrastructure references features:\n" + string.Join("\n", offenders.Distinct()));
    }

    [Fact]
    public void InfrastructureSources_NameNoFeatureNamespace()
    {
        var root = RepoRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "Portal", "Infrastructure"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !Composition.Any(c => f.Contains(Path.Combine("Infrastructure", c.Split('.')[2]) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => NamesAFeature(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();

        Assert.NotEmpty(FeatureNamespaces);
        Assert.True(offenders.Count == 0, "infrastructure names a feature:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("using Portal.Features.Billing;", true)]
    [InlineData("    var l = sp.GetRequiredService<Portal.Features.Billing.BillingLedger>();", true)]
    [InlineData("    Features.ApiTokens.ApiCaller.UserId(user);", true)]
    [InlineData("    global::Portal.Features.Links.LinkService s;", true)]
    [InlineData("    if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;", false)]
    [InlineData("/// Infrastructure defines it; the features implement it.", false)]
    public void SourceCheck_RecognisesAFeatureReference(string line, bool expected) => Assert.Equal(expected, NamesAFeature(line));

    private static bool NamesAFeature(string line) =>
        FeatureReference().Matches(line).Any(m => FeatureNamespaces.Contains(m.Groups["feature"].Value));

    private static bool IsCheckedInfrastructure(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Portal.Infrastructure", StringComparison.Ordinal)
        && !Composition.Any(c => ns == c || ns.StartsWith(c + ".", StringComparison.Ordinal));

    private static bool IsFeature(Type type) =>
        type.Namespace?.StartsWith("Portal.Features", StringComparison.Ordinal) == true
        || (type.IsGenericType && type.GetGenericArguments().Any(IsFeature))
        || (type.HasElementType && IsFeature(type.GetElementType()!));

    private static IEnumerable<(string Where, Type Used)> SignatureTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType) yield return ("base", baseType);
        foreach (var i in type.GetInterfaces()) yield return ("interface", i);
        foreach (var a in type.IsGenericType ? type.GetGenericArguments() : []) yield return ("generic argument", a);
        foreach (var f in type.GetFields(all)) yield return ($"field {f.Name}", f.FieldType);
        foreach (var p in type.GetProperties(all)) yield return ($"property {p.Name}", p.PropertyType);
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi) yield return ($"method {m.Name} returns", mi.ReturnType);
            foreach (var p in m.GetParameters()) yield return ($"method {m.Name} parameter {p.Name}", p.ParameterType);
            foreach (var a in m.IsGenericMethodDefinition ? m.GetGenericArguments() : []) yield return ($"method {m.Name} generic", a);
            foreach (var local in m.GetMethodBody()?.LocalVariables ?? []) yield return ($"method {m.Name} local", local.LocalType);
        }
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Portal.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Portal.sln not found");
        return dir;
    }

    /// <summary><c>Portal.Features.X</c>, <c>global::Portal.Features.X</c> or a relative <c>Features.X</c> — not a member access such as <c>context.Features.Get</c>.</summary>
    [GeneratedRegex(@"(?<![\w.])(?:global::)?(?:Portal\.)?Features\.(?<feature>[A-Z]\w*)")]
    private static partial Regex FeatureReference();
}
