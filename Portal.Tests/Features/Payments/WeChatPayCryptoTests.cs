using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Portal.Features.Payments;

namespace Portal.Tests.Features.Payments;

/// <summary>
/// WeChat Pay API v3 signing, verification and AEAD_AES_256_GCM decryption, cross-checked against independent
/// implementations on the same inputs: the <c>openssl</c> command line (RSA-SHA256) and Python's <c>cryptography</c>
/// package (AES-256-GCM; <c>openssl enc</c> has no AEAD mode).
/// </summary>
public sealed class WeChatPayCryptoTests : IDisposable
{
    private readonly WeChatPayKeysForTests _keys = new();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public void RequestMessage_IsMethodUrlTimestampNonceBody_EachFollowedByNewline()
    {
        Assert.Equal("GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
            WeChatPayCrypto.RequestMessage("GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", ""));
        Assert.Equal("1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{\"a\":1}\n",
            WeChatPayCrypto.ResponseMessage("1554209980", "c5ac7061fccab6bf3e254dcf98995b8c", "{\"a\":1}"));
    }

    [Fact]
    public void Sign_MatchesOpenSsl_AndOpenSslVerifiesIt()
    {
        var message = WeChatPayCrypto.RequestMessage("POST", "/v3/pay/transactions/native", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242",
            "{\"appid\":\"wxd678efh567hg6787\",\"amount\":{\"total\":100,\"currency\":\"CNY\"},\"description\":\"充值\"}");
        var messagePath = Write("message.txt", Encoding.UTF8.GetBytes(message));

        var ours = WeChatPayCrypto.Sign(_keys.Merchant, message);
        var theirs = Convert.ToBase64String(Run("openssl", $"dgst -sha256 -sign {_keys.MerchantKeyPath} {messagePath}"));

        Assert.Equal(theirs, ours); // PKCS#1 v1.5 is deterministic: the same key and message give the same bytes.
        var signaturePath = Write("signature.bin", Convert.FromBase64String(ours));
        Assert.Equal("Verified OK", Encoding.UTF8.GetString(
            Run("openssl", $"dgst -sha256 -verify {_keys.MerchantPublicKeyPath} -signature {signaturePath} {messagePath}")).Trim());
    }

    [Fact]
    public void Verify_AcceptsOpenSslSignatures_AndRefusesAnyChange()
    {
        var message = WeChatPayCrypto.ResponseMessage("1554209980", "c5ac7061fccab6bf3e254dcf98995b8c", "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}");
        var messagePath = Write("response.txt", Encoding.UTF8.GetBytes(message));
        var signature = Convert.ToBase64String(Run("openssl", $"dgst -sha256 -sign {_keys.PlatformKeyPath} {messagePath}"));

        Assert.True(WeChatPayCrypto.Verify(_keys.Platform, message, signature));
        Assert.False(WeChatPayCrypto.Verify(_keys.Platform, message.Replace("p4lp", "p4lq"), signature));
        Assert.False(WeChatPayCrypto.Verify(_keys.Merchant, message, signature));
        Assert.False(WeChatPayCrypto.Verify(_keys.Platform, message, "not base64!"));
        Assert.False(WeChatPayCrypto.Verify(_keys.Platform, message, ""));
        Assert.False(WeChatPayCrypto.Verify(_keys.Platform, message, null));
    }

    [Fact]
    public void Decrypt_ReadsWhatAnIndependentAesGcmEncrypted_AndRefusesWrongKeyNonceDataOrTag()
    {
        const string plaintext = "{\"out_trade_no\":\"1217752501201407033233368018\",\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":100,\"currency\":\"CNY\"},\"desc\":\"充值\"}";
        const string nonce = "fdasflkja484";
        const string aad = "transaction";
        var script = "import base64,sys\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n" +
                     "k,n,a,p=sys.argv[1:5]\nprint(base64.b64encode(AESGCM(k.encode()).encrypt(n.encode(),p.encode(),a.encode())).decode())";
        var scriptPath = Write("gcm.py", Encoding.UTF8.GetBytes(script));
        var ciphertext = Encoding.ASCII.GetString(RunArgs("python3", scriptPath, _keys.ApiV3Key, nonce, aad, plaintext)).Trim();
        var key = Encoding.UTF8.GetBytes(_keys.ApiV3Key);

        Assert.Equal(plaintext, WeChatPayCrypto.Decrypt(key, nonce, aad, ciphertext));
        Assert.Equal(ciphertext, WeChatPayCrypto.Encrypt(key, nonce, aad, plaintext)); // GCM is deterministic for a fixed nonce

        var otherKey = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        Assert.Null(WeChatPayCrypto.Decrypt(otherKey, nonce, aad, ciphertext));
        Assert.Null(WeChatPayCrypto.Decrypt(key, "fdasflkja485", aad, ciphertext));
        Assert.Null(WeChatPayCrypto.Decrypt(key, nonce, "certificate", ciphertext));
        var tampered = Convert.FromBase64String(ciphertext);
        tampered[^1] ^= 1;
        Assert.Null(WeChatPayCrypto.Decrypt(key, nonce, aad, Convert.ToBase64String(tampered)));
        Assert.Null(WeChatPayCrypto.Decrypt(key, nonce, aad, "%%%"));
        Assert.Null(WeChatPayCrypto.Decrypt(key[..16], nonce, aad, ciphertext));
    }

    [Fact]
    public void Authorization_HasTheFiveFieldsWeChatPayParses()
    {
        var header = WeChatPayCrypto.Authorization(_keys.Merchant, "1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", "GET",
            "/v3/pay/transactions/out-trade-no/abc?mchid=1900009191", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", "");
        Assert.Matches("^WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\"[A-Za-z0-9+/=]{344}\",timestamp=\"1554208460\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"$", header);
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_keys.Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] Run(string file, string arguments) => RunArgs(file, arguments.Split(' '));

    private static byte[] RunArgs(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {error}");
        return output.ToArray();
    }
}
