using System.Net;
using System.Net.Sockets;

namespace Portal.Features.Links;

/// <summary>
/// IP literals no short link may point at: every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries
/// (RFC 6890 and its updates) that is not marked globally reachable, plus multicast and the limited broadcast. An
/// IPv4 address carried inside an IPv6 one — IPv4-mapped (<c>::ffff:a.b.c.d</c>), IPv4-compatible (<c>::a.b.c.d</c>),
/// NAT64 (<c>64:ff9b::a.b.c.d</c>) or 6to4 (<c>2002:AABB:CCDD::</c>) — is judged as that IPv4 address.
/// </summary>
public static class SpecialAddresses
{
    private static readonly (uint Network, int Prefix)[] V4 =
    [
        (Ip4(0, 0, 0, 0), 8),         // "this network"
        (Ip4(10, 0, 0, 0), 8),        // private use
        (Ip4(100, 64, 0, 0), 10),     // shared address space (CGNAT)
        (Ip4(127, 0, 0, 0), 8),       // loopback
        (Ip4(169, 254, 0, 0), 16),    // link local
        (Ip4(172, 16, 0, 0), 12),     // private use
        (Ip4(192, 0, 0, 0), 24),      // IETF protocol assignments (the two global /32s in it are anycast services, not web sites)
        (Ip4(192, 0, 2, 0), 24),      // documentation (TEST-NET-1)
        (Ip4(192, 88, 99, 0), 24),    // deprecated 6to4 relay anycast
        (Ip4(192, 168, 0, 0), 16),    // private use
        (Ip4(198, 18, 0, 0), 15),     // benchmarking
        (Ip4(198, 51, 100, 0), 24),   // documentation (TEST-NET-2)
        (Ip4(203, 0, 113, 0), 24),    // documentation (TEST-NET-3)
        (Ip4(224, 0, 0, 0), 4),       // multicast
        (Ip4(240, 0, 0, 0), 4),       // reserved, and 255.255.255.255 limited broadcast
    ];

    private static readonly (UInt128 Network, int Prefix)[] V6 =
    [
        (Ip6("::"), 128),              // unspecified
        (Ip6("::1"), 128),             // loopback
        (Ip6("64:ff9b:1::"), 48),      // local-use IPv4/IPv6 translation
        (Ip6("100::"), 64),            // discard-only
        (Ip6("2001::"), 23),           // IETF protocol assignments (Teredo, ORCHIDv2, benchmarking…)
        (Ip6("2001:db8::"), 32),       // documentation
        (Ip6("3fff::"), 20),           // documentation
        (Ip6("5f00::"), 16),           // segment routing (SRv6) SIDs
        (Ip6("fc00::"), 7),            // unique local
        (Ip6("fe80::"), 10),           // link-local unicast
        (Ip6("fec0::"), 10),           // deprecated site-local
        (Ip6("ff00::"), 8),            // multicast
    ];

    /// <summary>True when <paramref name="ip"/> is not a globally reachable unicast address (see the type's summary).</summary>
    public static bool IsNotGlobal(IPAddress ip)
    {
        if (EmbeddedIPv4(ip) is { } v4) ip = v4;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var value = (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(ip.GetAddressBytes()));
            return V4.Any(b => Matches(value, b.Network, b.Prefix));
        }
        var v6 = ToUInt128(ip.GetAddressBytes());
        return V6.Any(b => Matches(v6, b.Network, b.Prefix));
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 or 6to4), if any.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress ip)
    {
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return null;
        var b = ip.GetAddressBytes();
        var value = ToUInt128(b);
        if (ip.IsIPv4MappedToIPv6) return ip.MapToIPv4();
        // ::a.b.c.d (IPv4-compatible, deprecated) — but not :: and ::1, which are their own entries.
        if (value >> 32 == 0 && value > 1) return new IPAddress(b[12..16]);
        if (Matches(value, Ip6("64:ff9b::"), 96)) return new IPAddress(b[12..16]);
        if (Matches(value, Ip6("2002::"), 16)) return new IPAddress(b[2..6]);
        return null;
    }

    private static bool Matches(uint value, uint network, int prefix) =>
        prefix == 0 || (value >> (32 - prefix)) == (network >> (32 - prefix));

    private static bool Matches(UInt128 value, UInt128 network, int prefix) =>
        prefix == 0 || (value >> (128 - prefix)) == (network >> (128 - prefix));

    private static uint Ip4(byte a, byte b, byte c, byte d) => (uint)(a << 24 | b << 16 | c << 8 | d);

    private static UInt128 Ip6(string text) => ToUInt128(IPAddress.Parse(text).GetAddressBytes());

    private static UInt128 ToUInt128(byte[] bytes)
    {
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }
}
