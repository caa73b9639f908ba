using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Account;

namespace Portal.Tests.Features.Accounts;

/// <summary>
/// Texts of the account pages that the <c>L["…"]</c> source scan cannot see: the validation messages on the pages'
/// input models (shown through FieldMessage) and Identity's error messages (<see cref="LocalizedIdentityErrorDescriber"/>).
/// </summary>
public sealed partial class AccountLocalizationTests
{
    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex EnglishWord();

    [Fact]
    public void Validation_messages_of_the_account_forms_have_a_zh_CN_translation()
    {
        var translated = ZhCnNames();
        var messages = typeof(LocalizedIdentityErrorDescriber).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Portal.Components.Account", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            .SelectMany(p => p.GetCustomAttributes<ValidationAttribute>())
            .Where(a => a is not DataTypeAttribute) // a hint for inputs; DataType.Password and .Text never fail
            .Select(a => a.ErrorMessage)
            .ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.False(string.IsNullOrEmpty(m), "every account form attribute sets ErrorMessage (a resource key)"));
        var missing = messages.Distinct().Where(m => !translated.Contains(m!)).ToList();
        Assert.True(missing.Count == 0, "no zh-CN entry for: " + string.Join(" | ", missing));
    }

    [Fact]
    public void Identity_errors_are_Chinese_on_the_Chinese_UI_and_keep_their_codes()
    {
        using var factory = new Portal.Tests.TestInfrastructure.PortalFactory();
        using var scope = factory.Services.CreateScope();
        var describer = scope.ServiceProvider.GetRequiredService<IdentityErrorDescriber>();
        Assert.IsType<LocalizedIdentityErrorDescriber>(describer);

        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        try
        {
            var errors = typeof(IdentityErrorDescriber).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.DeclaringType == typeof(IdentityErrorDescriber) && m.ReturnType == typeof(IdentityError))
                .Select(m => (Method: m.Name, Error: (IdentityError)m.Invoke(describer, m.GetParameters().Select(p => p.ParameterType == typeof(int) ? (object)3 : "someone@example.com").ToArray())!))
                .ToList();

            Assert.True(errors.Count >= 20, $"only {errors.Count} describer methods found");
            Assert.All(errors, e =>
            {
                Assert.Equal(e.Method, e.Error.Code); // codes unchanged: registration hides DuplicateUserName/DuplicateEmail by code
                Assert.False(EnglishWord().IsMatch(e.Error.Description), $"{e.Method}: {e.Error.Description}");
                Assert.DoesNotContain("someone@example.com", e.Error.Description); // never echoes the address
            });
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static HashSet<string> ZhCnNames()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir!.FullName, "Portal", "Resources", "SharedResource.zh-CN.resx");
        return XDocument.Load(path).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);
    }
}
