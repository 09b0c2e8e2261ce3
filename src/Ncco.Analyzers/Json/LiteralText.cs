using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Ncco.Analyzers.Json;

/// <summary>How a C# string literal is spelled; code fixes escape inserted text accordingly.</summary>
internal enum LiteralForm
{
    Regular,
    Verbatim,
    Raw,
}

/// <summary>
/// The value of a C# string literal (regular, verbatim, raw, or interpolated with constant parts) together with the
/// source position of every character, so a problem found in the value can be reported at its exact characters.
/// Interpolation holes whose value is not constant become <see cref="Hole"/>.
/// </summary>
internal sealed class LiteralText
{
    /// <summary>Stands for a non-constant interpolation hole in <see cref="Text"/>.</summary>
    public const char Hole = '\uE000';

    private LiteralText(string text, int[] start, int[] end, LiteralForm form, bool interpolated, bool exact, TextSpan literalSpan)
    {
        Text = text;
        Start = start;
        End = end;
        Form = form;
        Interpolated = interpolated;
        Exact = exact;
        LiteralSpan = literalSpan;
    }

    public string Text { get; }

    /// <summary>Source position where each character of <see cref="Text"/> starts.</summary>
    public int[] Start { get; }

    /// <summary>Source position just after each character of <see cref="Text"/>.</summary>
    public int[] End { get; }

    public LiteralForm Form { get; }

    public bool Interpolated { get; }

    /// <summary>False when positions are approximate (the map could not be checked); code fixes are off then.</summary>
    public bool Exact { get; }

    public TextSpan LiteralSpan { get; }

    /// <summary>The source span of the characters <c>[start, end)</c> of <see cref="Text"/>.</summary>
    public TextSpan Map(int start, int end)
    {
        if (Text.Length == 0) return LiteralSpan;
        if (start >= Text.Length) return new TextSpan(End[Text.Length - 1], 0);
        if (end <= start) return new TextSpan(Start[start], 0);
        var from = Start[start];
        var to = End[Math.Min(end, Text.Length) - 1];
        return to >= from ? TextSpan.FromBounds(from, to) : new TextSpan(from, 0);
    }

    /// <summary>The source position just before character <paramref name="index"/> (or after the last one).</summary>
    public int PositionBefore(int index) => index < Text.Length ? Start[index] : End[Text.Length - 1];

    /// <summary>Escapes text to insert into this literal.</summary>
    public string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (Form)
            {
                case LiteralForm.Regular when c == '"' || c == '\\':
                    builder.Append('\\').Append(c);
                    break;
                case LiteralForm.Verbatim when c == '"':
                    builder.Append("\"\"");
                    break;
                default:
                    if (Interpolated && Form != LiteralForm.Raw && (c == '{' || c == '}')) builder.Append(c);
                    builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Reads a string literal or interpolated string; null for anything else (UTF-8 literals, …).</summary>
    public static LiteralText? From(ExpressionSyntax expression, SemanticModel? model, CancellationToken cancellationToken)
    {
        switch (expression)
        {
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                return FromToken(literal.Token);
            case InterpolatedStringExpressionSyntax interpolated:
                return FromInterpolated(interpolated, model, cancellationToken);
            default:
                return null;
        }
    }

    private static LiteralText FromToken(SyntaxToken token)
    {
        var text = token.Text;
        var start = token.SpanStart;
        var builder = new Builder();
        LiteralForm form;
        if (token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) || token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
        {
            form = LiteralForm.Raw;
            var quotes = 0;
            while (quotes < text.Length && text[quotes] == '"') quotes++;
            AlignRaw(token.ValueText, text, start, quotes, text.Length - quotes, RawIndent(text, quotes), builder);
        }
        else if (text.StartsWith("@", StringComparison.Ordinal))
        {
            form = LiteralForm.Verbatim;
            Verbatim(text, start, 2, text.Length - 1, interpolated: false, builder);
        }
        else
        {
            form = LiteralForm.Regular;
            Regular(text, start, 1, text.Length - 1, interpolated: false, builder);
        }
        return builder.Finish(token.ValueText, form, interpolated: false, token.Span);
    }

    private static LiteralText? FromInterpolated(InterpolatedStringExpressionSyntax node, SemanticModel? model, CancellationToken cancellationToken)
    {
        var startToken = node.StringStartToken;
        var form = startToken.IsKind(SyntaxKind.InterpolatedSingleLineRawStringStartToken) || startToken.IsKind(SyntaxKind.InterpolatedMultiLineRawStringStartToken)
            ? LiteralForm.Raw
            : startToken.Text.IndexOf('@') >= 0 ? LiteralForm.Verbatim : LiteralForm.Regular;
        var indent = 0;
        if (form == LiteralForm.Raw && startToken.IsKind(SyntaxKind.InterpolatedMultiLineRawStringStartToken))
        {
            // Indentation is the whitespace before the closing quotes on their own line.
            var source = node.SyntaxTree.GetText(cancellationToken);
            var end = node.StringEndToken.Span.End;
            var quotes = node.StringEndToken.Text.Trim().Length;
            var position = end - quotes - 1;
            while (position > node.SpanStart && (source[position] == ' ' || source[position] == '\t'))
            {
                indent++;
                position--;
            }
        }

        var builder = new Builder();
        var expected = new StringBuilder();
        var exact = true;
        foreach (var content in node.Contents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (content is InterpolatedStringTextSyntax textPart)
            {
                var token = textPart.TextToken;
                var before = builder.Length;
                switch (form)
                {
                    case LiteralForm.Raw:
                        AlignRaw(token.ValueText, token.Text, token.SpanStart, 0, token.Text.Length, indent, builder);
                        break;
                    case LiteralForm.Verbatim:
                        Verbatim(token.Text, token.SpanStart, 0, token.Text.Length, interpolated: true, builder);
                        break;
                    default:
                        Regular(token.Text, token.SpanStart, 0, token.Text.Length, interpolated: true, builder);
                        break;
                }
                // The compiler keeps {{ and }} doubled in the text token's value of a non-raw interpolated string.
                var value = form == LiteralForm.Raw ? token.ValueText : token.ValueText.Replace("{{", "{").Replace("}}", "}");
                expected.Append(value);
                if (builder.ToString(before) != value)
                {
                    builder.Truncate(before);
                    builder.AppendAll(value, token.Span);
                    exact = false;
                }
            }
            else if (content is InterpolationSyntax hole)
            {
                var constant = hole.AlignmentClause is null && hole.FormatClause is null && model is not null
                    ? model.GetConstantValue(hole.Expression, cancellationToken)
                    : default;
                var value = constant.HasValue ? ConstantText(constant.Value) : null;
                if (value is null)
                {
                    builder.Append(Hole, hole.Span.Start, hole.Span.End);
                    expected.Append(Hole);
                }
                else
                {
                    builder.AppendAll(value, hole.Span);
                    expected.Append(value);
                }
            }
        }
        var result = builder.Finish(expected.ToString(), form, interpolated: true, node.Span);
        return exact ? result : result.Approximate();
    }

    private LiteralText Approximate() => new(Text, Start, End, Form, Interpolated, exact: false, LiteralSpan);

    private static string? ConstantText(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static int RawIndent(string text, int quotes)
    {
        var close = text.Length - quotes;
        var indent = 0;
        var position = close - 1;
        while (position >= 0 && (text[position] == ' ' || text[position] == '\t'))
        {
            indent++;
            position--;
        }
        return position >= 0 && (text[position] == '\n' || text[position] == '\r') ? indent : 0;
    }

    /// <summary>Raw literals have no escapes: their value is the source minus the opening line break, the indentation
    /// and the closing line break, so each value character is found in order in the source.</summary>
    private static void AlignRaw(string value, string text, int start, int from, int to, int indent, Builder builder)
    {
        var p = from;
        var atLineStart = false;
        // A multi-line raw literal starts with a line break after the quotes; it is not part of the value.
        if (from > 0)
        {
            var q = from;
            while (q < to && (text[q] == ' ' || text[q] == '\t')) q++;
            if (q < to && (text[q] == '\r' || text[q] == '\n'))
            {
                p = q + (text[q] == '\r' && q + 1 < to && text[q + 1] == '\n' ? 2 : 1);
                atLineStart = true;
            }
        }
        foreach (var c in value)
        {
            if (atLineStart)
            {
                var skipped = 0;
                while (skipped < indent && p < to && (text[p] == ' ' || text[p] == '\t'))
                {
                    p++;
                    skipped++;
                }
                atLineStart = false;
            }
            while (p < to && text[p] != c) p++;
            if (p >= to)
            {
                builder.Append(c, start + to, start + to);
                continue;
            }
            builder.Append(c, start + p, start + p + 1);
            if (c == '\n') atLineStart = true;
            p++;
        }
    }

    private static void Verbatim(string text, int start, int from, int to, bool interpolated, Builder builder)
    {
        for (var i = from; i < to; i++)
        {
            var c = text[i];
            if (c == '"' && i + 1 < to && text[i + 1] == '"' || interpolated && (c == '{' || c == '}') && i + 1 < to && text[i + 1] == c)
            {
                builder.Append(c, start + i, start + i + 2);
                i++;
                continue;
            }
            builder.Append(c, start + i, start + i + 1);
        }
    }

    private static void Regular(string text, int start, int from, int to, bool interpolated, Builder builder)
    {
        for (var i = from; i < to; i++)
        {
            var c = text[i];
            if (interpolated && (c == '{' || c == '}') && i + 1 < to && text[i + 1] == c)
            {
                builder.Append(c, start + i, start + i + 2);
                i++;
                continue;
            }
            if (c != '\\' || i + 1 >= to)
            {
                builder.Append(c, start + i, start + i + 1);
                continue;
            }
            var e = text[i + 1];
            var simple = e switch
            {
                '\'' => '\'', '"' => '"', '\\' => '\\', '0' => '\0', 'a' => '\a', 'b' => '\b', 'f' => '\f',
                'n' => '\n', 'r' => '\r', 't' => '\t', 'v' => '\v', 'e' => '\u001b',
                _ => (char?)null,
            };
            if (simple is { } s)
            {
                builder.Append(s, start + i, start + i + 2);
                i++;
                continue;
            }
            if (e == 'u' && i + 5 < to + 1 && TryHex(text, i + 2, 4, exact: true, out var u, out _))
            {
                builder.Append((char)u, start + i, start + i + 6);
                i += 5;
                continue;
            }
            if (e == 'U' && TryHex(text, i + 2, 8, exact: true, out var big, out _))
            {
                var utf16 = char.ConvertFromUtf32(big);
                foreach (var part in utf16) builder.Append(part, start + i, start + i + 10);
                i += 9;
                continue;
            }
            if (e == 'x' && TryHex(text, i + 2, 4, exact: false, out var x, out var digits))
            {
                builder.Append((char)x, start + i, start + i + 2 + digits);
                i += 1 + digits;
                continue;
            }
            builder.Append(c, start + i, start + i + 1);
        }
    }

    private static bool TryHex(string text, int from, int max, bool exact, out int value, out int digits)
    {
        value = 0;
        digits = 0;
        while (digits < max && from + digits < text.Length && Uri.IsHexDigit(text[from + digits]))
        {
            value = value * 16 + Convert.ToInt32(text[from + digits].ToString(), 16);
            digits++;
        }
        return exact ? digits == max : digits > 0;
    }

    private sealed class Builder
    {
        private readonly StringBuilder _text = new();
        private readonly List<int> _start = [];
        private readonly List<int> _end = [];

        public int Length => _text.Length;

        public void Append(char c, int start, int end)
        {
            _text.Append(c);
            _start.Add(start);
            _end.Add(end);
        }

        public void AppendAll(string text, TextSpan span)
        {
            foreach (var c in text) Append(c, span.Start, span.End);
        }

        public string ToString(int from) => _text.ToString(from, _text.Length - from);

        public void Truncate(int length)
        {
            _text.Length = length;
            _start.RemoveRange(length, _start.Count - length);
            _end.RemoveRange(length, _end.Count - length);
        }

        public LiteralText Finish(string expected, LiteralForm form, bool interpolated, TextSpan literalSpan)
        {
            var text = _text.ToString();
            if (text == expected) return new LiteralText(text, _start.ToArray(), _end.ToArray(), form, interpolated, exact: true, literalSpan);
            // The map could not be checked against the compiler's value: keep the value, point everything at the literal.
            var start = new int[expected.Length];
            var end = new int[expected.Length];
            for (var i = 0; i < expected.Length; i++)
            {
                start[i] = literalSpan.Start;
                end[i] = literalSpan.End;
            }
            return new LiteralText(expected, start, end, form, interpolated, exact: false, literalSpan);
        }
    }
}
