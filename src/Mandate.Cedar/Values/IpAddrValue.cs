using System.Globalization;
using System.Net;

namespace Mandate.Cedar.Values;

/// <summary>
/// The <c>ipaddr</c> extension value: an IPv4 or IPv6 address with a prefix length (32 or 128 for a single
/// address). The address keeps the host bits as written; equality compares address and prefix.
/// </summary>
public sealed class IpAddrValue : CedarValue
{
    private IpAddrValue(bool isIpv6, UInt128 address, int prefixLength)
    {
        IsIpv6 = isIpv6;
        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>Whether this is an IPv6 address or range.</summary>
    public bool IsIpv6 { get; }

    /// <summary>Whether this is an IPv4 address or range.</summary>
    public bool IsIpv4 => !IsIpv6;

    /// <summary>The address bits (IPv4 in the low 32 bits).</summary>
    public UInt128 Address { get; }

    /// <summary>The CIDR prefix length.</summary>
    public int PrefixLength { get; }

    private int Width => IsIpv6 ? 128 : 32;

    /// <inheritdoc />
    public override CedarType Type => CedarType.IpAddr;

    /// <summary>Whether the whole range is loopback (inside 127.0.0.0/8, or exactly ::1).</summary>
    public bool IsLoopback => IsIpv6 ? Address == 1 && PrefixLength == 128 : (Address >> 24) == 127 && PrefixLength >= 8;

    /// <summary>Whether the whole range is multicast (224.0.0.0/4 or ff00::/8).</summary>
    public bool IsMulticast => IsIpv6
        ? (Address >> 120) == 0xff && PrefixLength >= 8
        : (Address >> 28) == 0xe && PrefixLength >= 4;

    /// <summary>Parses an address or CIDR range; returns an error message when the text is not one.</summary>
    public static bool TryParse(string text, out IpAddrValue value, out string error)
    {
        value = null!;
        if (CountAtLeastTwo(text, ':') && CountAtLeastTwo(text, '.'))
        {
            error = $"ipv4 embedded in ipv6 is not accepted: `{text}`";
            return false;
        }

        if (TryParseAddress(text, out var v6, out var bits))
        {
            value = new IpAddrValue(v6, bits, v6 ? 128 : 32);
            error = string.Empty;
            return true;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"invalid ip address `{text}`";
            return false;
        }

        if (!TryParseAddress(text[..slash], out v6, out bits))
        {
            error = $"invalid ip address `{text[..slash]}`";
            return false;
        }

        var prefixText = text[(slash + 1)..];
        if (prefixText.Length == 0 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length > 1 && prefixText[0] == '0')
            || !byte.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix > (v6 ? 128 : 32))
        {
            error = $"invalid prefix length `{text[(slash + 1)..]}`";
            return false;
        }

        value = new IpAddrValue(v6, bits, prefix);
        error = string.Empty;
        return true;
    }

    /// <summary>Whether this address or range lies inside <paramref name="range"/>.</summary>
    public bool IsInRange(IpAddrValue range)
    {
        if (range.IsIpv6 != IsIpv6)
        {
            return false;
        }

        var (network, broadcast) = Bounds();
        var (rangeNetwork, rangeBroadcast) = range.Bounds();
        return rangeNetwork <= network && broadcast <= rangeBroadcast;
    }

    private (UInt128 Network, UInt128 Broadcast) Bounds()
    {
        var all = IsIpv6 ? UInt128.MaxValue : uint.MaxValue;
        var hostMask = PrefixLength >= Width ? UInt128.Zero : all >> PrefixLength;
        return (Address & ~hostMask & all, Address | hostMask);
    }

    private static bool CountAtLeastTwo(string text, char c)
    {
        var first = text.IndexOf(c, StringComparison.Ordinal);
        return first >= 0 && text.IndexOf(c, first + 1) >= 0;
    }

    private static bool TryParseAddress(string text, out bool isIpv6, out UInt128 bits)
    {
        if (TryParseIpv4(text, out var v4))
        {
            isIpv6 = false;
            bits = v4;
            return true;
        }

        isIpv6 = true;
        return TryParseIpv6(text, out bits);
    }

    private static bool TryParseIpv4(string text, out uint bits)
    {
        bits = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            bits = (bits << 8) | (uint)octet;
        }

        return true;
    }

    private static bool TryParseIpv6(string text, out UInt128 bits)
    {
        bits = 0;
        var doubleColon = text.IndexOf("::", StringComparison.Ordinal);
        string[] head;
        string[] tail;
        if (doubleColon >= 0)
        {
            if (text.IndexOf("::", doubleColon + 1, StringComparison.Ordinal) >= 0)
            {
                return false;
            }

            var before = text[..doubleColon];
            var after = text[(doubleColon + 2)..];
            head = before.Length == 0 ? [] : before.Split(':');
            tail = after.Length == 0 ? [] : after.Split(':');
            if (head.Length + tail.Length > 7)
            {
                return false;
            }
        }
        else
        {
            head = text.Split(':');
            tail = [];
            if (head.Length != 8)
            {
                return false;
            }
        }

        var groups = new ushort[8];
        if (!FillGroups(head, groups, 0) || !FillGroups(tail, groups, 8 - tail.Length))
        {
            return false;
        }

        foreach (var group in groups)
        {
            bits = (bits << 16) | group;
        }

        return true;
    }

    private static bool FillGroups(string[] parts, ushort[] groups, int start)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 4 || !part.All(char.IsAsciiHexDigit))
            {
                return false;
            }

            groups[start + i] = ushort.Parse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) =>
        other is IpAddrValue ip && ip.IsIpv6 == IsIpv6 && ip.Address == Address && ip.PrefixLength == PrefixLength;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsIpv6, Address, PrefixLength);

    /// <inheritdoc />
    public override string ToString()
    {
        string address;
        if (IsIpv6)
        {
            var bytes = new byte[16];
            var a = Address;
            for (var i = 15; i >= 0; i--)
            {
                bytes[i] = (byte)(a & 0xff);
                a >>= 8;
            }

            address = new IPAddress(bytes).ToString();
        }
        else
        {
            var v = (uint)Address;
            address = string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");
        }

        return PrefixLength == Width ? $"ip(\"{address}\")" : string.Create(CultureInfo.InvariantCulture, $"ip(\"{address}/{PrefixLength}\")");
    }
}
