using System.Text;

namespace Ncco.Rules;

/// <summary>The UTF-8 spellings of the member names and values the checker compares by itself.</summary>
internal static class RuleNames
{
    public static readonly byte[] Action = Encoding.UTF8.GetBytes("action");
    public static readonly byte[] BargeIn = Encoding.UTF8.GetBytes("bargeIn");
    public static readonly byte[] Type = Encoding.UTF8.GetBytes("type");
    public static readonly byte[] Dtmf = Encoding.UTF8.GetBytes("dtmf");
    public static readonly byte[] Speech = Encoding.UTF8.GetBytes("speech");
    public static readonly byte[] True = Encoding.UTF8.GetBytes("true");
    public static readonly byte[] False = Encoding.UTF8.GetBytes("false");
}
