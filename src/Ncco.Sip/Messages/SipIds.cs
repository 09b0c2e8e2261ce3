using System.Security.Cryptography;

namespace Ncco.Sip.Messages;

/// <summary>Random identifiers: branches (with the RFC 3261 cookie), tags and Call-IDs, from a cryptographic source so they cannot be guessed.</summary>
public static class SipIds
{
    /// <summary>A new Via branch, unique in space and time, starting with z9hG4bK.</summary>
    public static string NewBranch() => ViaHeader.MagicCookie + Random(12);

    /// <summary>A new From/To tag.</summary>
    public static string NewTag() => Random(8);

    /// <summary>A new Call-ID.</summary>
    public static string NewCallId() => Random(16);

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
