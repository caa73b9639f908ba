using System.Security.Cryptography;
using System.Text;
using Portal.Features.ApiTokens;

namespace Portal.Tests.Features.ApiTokens;

public sealed class ApiTokenFormatTests
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    [Fact]
    public void Generate_Always_WellFormedWithPrefixLengthAndAlphabet()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var token = ApiTokenFormat.Generate();
            Assert.Equal(ApiTokenFormat.Length, token.Length);
            Assert.Equal(53, token.Length);
            Assert.StartsWith("wxp_", token, StringComparison.Ordinal);
            Assert.All(token[4..], c => Assert.Contains(c, Base62));
            Assert.True(ApiTokenFormat.IsWellFormed(token), token);
            Assert.True(seen.Add(token), "duplicate token generated");
        }
    }

    [Fact]
    public void GenerateTest_HasTheTestPrefixAndLength_AndIsTold()
    {
        var token = ApiTokenFormat.Generate(test: true);

        Assert.StartsWith("wxp_test_", token, StringComparison.Ordinal);
        Assert.Equal(58, token.Length);
        Assert.All(token[9..], c => Assert.Contains(c, Base62));
        Assert.True(ApiTokenFormat.IsWellFormed(token));
        Assert.True(ApiTokenFormat.IsTest(token));
        Assert.Equal(token[..15], ApiTokenFormat.DisplayPrefixOf(token));
        // The checksum covers the prefix: a test token relabelled live (or the reverse) is not well formed.
        Assert.False(ApiTokenFormat.IsWellFormed("wxp_" + token[9..]));
        Assert.False(ApiTokenFormat.IsWellFormed("wxp_test_" + ApiTokenFormat.Generate()[4..]));
        var live = ApiTokenFormat.Generate();
        Assert.False(ApiTokenFormat.IsTest(live));
        Assert.Equal(live[..10], ApiTokenFormat.DisplayPrefixOf(live));
    }

    [Fact]
    public void IsWellFormed_AnyOneCharacterChanged_Rejected()
    {
        var token = ApiTokenFormat.Generate();
        // Every position after the prefix, replaced by every other base62 character: CRC32 catches all single-character errors.
        for (var i = ApiTokenFormat.Prefix.Length; i < token.Length; i++)
        {
            foreach (var c in Base62)
            {
                if (c == token[i]) continue;
                var changed = token[..i] + c + token[(i + 1)..];
                Assert.False(ApiTokenFormat.IsWellFormed(changed), $"position {i} changed to '{c}' was accepted");
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("wxp_")]
    [InlineData("SECRET_TEST_TOKEN_12345")]
    [InlineData("Bearer wxp_abc")]
    public void IsWellFormed_Garbage_Rejected(string token) => Assert.False(ApiTokenFormat.IsWellFormed(token));

    [Fact]
    public void IsWellFormed_WrongPrefixTruncatedExtendedOrNonAlphanumeric_Rejected()
    {
        var token = ApiTokenFormat.Generate();
        Assert.False(ApiTokenFormat.IsWellFormed("wxq_" + token[4..]));
        Assert.False(ApiTokenFormat.IsWellFormed("WXP_" + token[4..]));
        Assert.False(ApiTokenFormat.IsWellFormed(token.AsSpan(0, token.Length - 1)));
        Assert.False(ApiTokenFormat.IsWellFormed(token + "0"));
        Assert.False(ApiTokenFormat.IsWellFormed(token[..10] + "-" + token[11..]));
        Assert.False(ApiTokenFormat.IsWellFormed(" " + token[1..]));
    }

    [Fact]
    public void Hash_Token_LowerHexSha256OfUtf8()
    {
        var token = ApiTokenFormat.Generate();
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();
        Assert.Equal(expected, ApiTokenFormat.Hash(token));
        Assert.Equal(64, ApiTokenFormat.Hash(token).Length);
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", ApiTokenFormat.Hash("hello"));
        Assert.NotEqual(ApiTokenFormat.Hash(token), ApiTokenFormat.Hash(ApiTokenFormat.Generate()));
    }
}
