namespace Portal.Infrastructure.Api.OpenApi;

/// <summary>The document's <c>info.description</c>: what every route shares, in Markdown.</summary>
public static class OpenApiIntroduction
{
    /// <summary>The Markdown text.</summary>
    public const string Markdown = """
        Portal generates WeChat mini-program codes (小程序码), mini-program links and short links, and keeps each
        mini-program's WeChat login and access token in one place. It is a server-to-server API: call it from your
        back end, never from a page or a mini-program, so that your token stays secret.

        ## Test mode

        A test token (`wxp_…` becomes `wxp_test_…`, issued with the app bar switched to *Test*) works on every route
        without money and without a registered mini-program: it spends a separate test balance that you refill for
        free, and a built-in WeChat simulator answers it — envelopes and status codes exactly as live. Login code
        `test_code_ok` gives a session, `test_code_invalid` errcode 40029; a code, scene or page of `errcode_N` (e.g.
        `errcode_45009`) answers WeChat errcode N, refunded like a real one. Test calls never reach WeChat and never
        touch the live balance.

        ## Browser callers (CORS)

        By default a call made from another site's web page (a request with an `Origin` header that is not Portal's
        own) is refused with 401 and the browser's preflight gets no `Access-Control-Allow-Origin`. For an H5 page
        that must call directly, list the page's origins on the token (*API tokens* → edit → allowed web page
        origins, e.g. `https://shop.example.com`): preflights from those origins are answered, and calls from them
        with that token are accepted and readable (`X-Request-Id`, `X-RateLimit-*`, `Retry-After` and
        `Content-Disposition` are exposed). Anyone who opens that page can read the token: give such a token a daily
        spend cap. No cookies are used or accepted.

        ## Mini-program links

        `/generate-miniprogram-link` accepts any well-formed AppID (`wx` followed by 16 hexadecimal characters),
        registered on Portal or not: the link only names the mini-program, and WeChat checks the page when it opens.
        Mini-program codes and the `/wx/mini/v1/{appId}/…` routes need the AppID registered by the token's owner.

        ## Authentication

        Every route except the public pages needs an API token from the *API tokens* page, sent in the
        `Authorization` header either bare or with the `Bearer` scheme — both are accepted:

            Authorization: wxp_…
            Authorization: Bearer wxp_…

        A missing, unknown, revoked or expired token, or one whose owner is suspended, is answered with 401 in the
        route's envelope before anything else is checked. A token may be limited to IP addresses, to browser origins
        and to a daily spend.

        ## Billing and refunds

        Each successful call of a billed route costs its price (0.10 by default; reading an openid, a unionid or an
        access token is free by default). Input that can be checked without WeChat is checked first and a 400 leaves
        the balance untouched. The price is then debited atomically — a balance below it is 402 — and the work runs.
        When the work fails (WeChat refuses, times out, or Portal fails internally) the charge is refunded before you
        get the answer, and any balance in an error body is the balance after that refund. Balances on the wire are
        strings with two decimals, such as `"19.30"`.

        ## Idempotency

        Send `Idempotency-Key` (1–255 printable ASCII characters) to make a retry safe. Keys belong to the token and
        are kept for 24 hours. A repeat of the same request answers the stored response with
        `Idempotent-Replayed: true` and is not charged again; the same key with a different request is 422; a repeat
        while the first is still running is 409. Only completed work is stored: a 4xx answer frees the key.

        ## Rate limits and overload

        Each token may make 20 requests a second on average, with bursts of up to 40 (and each account 40 a second,
        bursts of 80, over all its tokens). Every answer states the bucket that binds it: `X-RateLimit-Limit` (its
        size), `X-RateLimit-Remaining` (requests left now), `X-RateLimit-Reset` (seconds until it is full again) and
        `X-RateLimit-Policy` (the sustained rates: `20;w=1;burst=40;scope=token, 40;w=1;burst=80;scope=user`). Beyond
        the limits the answer is 429 in the route's envelope with `Retry-After`, `X-RateLimit-Remaining: 0` and
        `X-RateLimit-Reset` equal to the wait. When the ledger cannot take a call right now the answer is 503 with
        `Retry-After`; nothing was charged. Bodies are JSON of at most 64 KiB: a longer body is 413, anything else
        that is not a JSON object is 400, both in the route's envelope. An unknown path under `/api/` or
        `/wx/mini/` is 404, and a route called with the wrong method is 405 with `Allow`, in the family's envelope.

        ## Error envelopes

        Each family of routes keeps the wire format of the service it replaces, errors included:

        * **Envelope A** — `/generate-qr`, `/generate-shortlink`, `/generate-miniprogram-link`, `/decode-link`:
          `{"code":402,"msg":"余额不足","current_balance":"0.05"}`. `code` equals the HTTP status;
          `current_balance` is absent from 401 answers; a 502 adds `detail: {errcode, errmsg}` from WeChat.
        * **Envelope B** — `/api/h5/qrcode/…`:
          `{"success":false,"message":"scene参数不能为空","code":400,"timestamp":"2025-01-15T10:00:00Z"}`, `code`
          equal to the HTTP status.
        * **Envelope C** — `/wx/mini/v1/{appId}/…`: `{"code":40125,"success":false,"msg":"invalid parameter: secret"}`,
          where `code` is the service's own code (1000 unknown session, 1001–1003 missing parameter, 1004 decryption
          failed, 40013 AppID not yours, 40125 wrong secret) or WeChat's errcode, and the HTTP status tells the class
          (400, 401, 402, 403, 500, 502).

        Messages are in Chinese. Every response carries `X-Request-Id`: your own, when you send one of 1–64 letters,
        digits, `.`, `_` or `-`, otherwise Portal's id of the request. Quote it when you ask for help.
        """;
}
