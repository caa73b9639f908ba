using System.Net;

namespace Portal.Features.ApiTokens;

/// <summary>Parsing and matching of a token's IP allow-list (addresses and CIDR ranges, comma-separated).</summary>
public static class ApiTokenIpAllowList
{
    /// <summary>Longest stored list, in characters.</summary>
    public const int MaxLength = 1000;

    /// <summary>Normalises a typed list (<c>"203.0.113.7, 10.0.0.0/8"</c>); null/blank → null (allow all).</summary>
    /// <returns>The normalised list, or an error message naming the bad entry.</returns>
    public static (string? List, string? Error) Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return (null, null);
        var entries = typed.Split([',', ' ', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
            if (!TryParse(entry, out _)) return (null, $"'{entry}' is not an IP address or CIDR range");
        var list = string.Join(",", entries);
        return list.Length > MaxLength ? (null, $"the list is longer than {MaxLength} characters") : (list, null);
    }

    /// <summary>True when <paramref name="list"/> is empty or one of its entries contains <paramref name="remoteIp"/>.</summary>
    public static bool Allows(string? list, string? remoteIp)
    {
        if (string.IsNullOrWhiteSpace(list)) return true;
        if (!IPAddress.TryParse(remoteIp, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (TryParse(entry, out var network) && network.Contains(ip)) return true;
        return false;
    }

    private static bool TryParse(string entry, out IPNetwork network)
    {
        if (IPNetwork.TryParse(entry, out network)) return true;
        if (IPAddress.TryParse(entry, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }
}
