using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Model;
using Ncco.Rules;

namespace Ncco.Analyzers.Json;

/// <summary>Offsets of a JSON member inside the literal's value, for code fixes.</summary>
internal sealed class JsonMemberInfo
{
    public int NameStart;
    public int NameEnd;
    public int ValueStart;
    public int ValueEnd;
    /// <summary>Start of the next member (after the comma), or -1 when this is the last one.</summary>
    public int NextStart = -1;
    /// <summary>End of the previous member's value, or -1 when this is the first one.</summary>
    public int PreviousEnd = -1;
}

/// <summary>Offsets of a JSON value inside the literal's value.</summary>
internal sealed class JsonValueInfo
{
    public int Start;
    public int End;
}

/// <summary>A JSON syntax error at an offset of the text.</summary>
internal sealed class JsonSyntaxError
{
    public JsonSyntaxError(int offset, int length, string message)
    {
        Offset = offset;
        Length = length;
        Message = message;
    }

    public int Offset { get; }
    public int Length { get; }
    public string Message { get; }
}

/// <summary>
/// A strict JSON parser (RFC 8259, as <c>System.Text.Json</c> reads it by default: no comments, no trailing commas)
/// that keeps the position of every value and member, and understands <see cref="LiteralText.Hole"/> as a value
/// or string part that is not known at compile time. netstandard2.0 analyzers cannot use System.Text.Json.
/// </summary>
internal sealed class JsonSpanParser
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private readonly Func<int, int, TextSpan> _map;
    private int _position;

    private JsonSpanParser(string text, Func<int, int, TextSpan> map)
    {
        _text = text;
        _map = map;
    }

    /// <summary>Parses <paramref name="text"/>; returns the tree, or null with <paramref name="error"/> set.</summary>
    public static NNode? Parse(string text, Func<int, int, TextSpan> map, out JsonSyntaxError? error)
    {
        var parser = new JsonSpanParser(text, map);
        try
        {
            parser.SkipWhitespace();
            if (parser._position >= text.Length) throw parser.Fail("the text is empty; expected a JSON array of actions", 0);
            var root = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (parser._position < text.Length) throw parser.Fail("unexpected text after the end of the JSON value", 1);
            error = null;
            return root;
        }
        catch (JsonParseException e)
        {
            error = e.Error;
            return null;
        }
    }

    /// <summary>1-based line and column of an offset, as the runtime reports them.</summary>
    public static string Where(string text, int offset)
    {
        int line = 1, column = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return "line " + line.ToString(CultureInfo.InvariantCulture) + ", column " + column.ToString(CultureInfo.InvariantCulture);
    }

    private NNode ParseValue(int depth)
    {
        SkipWhitespace();
        if (_position >= _text.Length) throw Fail("unexpected end of the text; expected a value", 0);
        var c = _text[_position];
        switch (c)
        {
            case '{':
                return ParseObject(depth);
            case '[':
                return ParseArray(depth);
            case '"':
                return ParseString();
            case 't':
                return ParseLiteral("true", NodeKind.Boolean, true);
            case 'f':
                return ParseLiteral("false", NodeKind.Boolean, false);
            case 'n':
                return ParseLiteral("null", NodeKind.Null, false);
            case LiteralText.Hole:
                var start = _position;
                while (_position < _text.Length && _text[_position] == LiteralText.Hole) _position++;
                return Node(NNode.Unknown(_map(start, _position)), start);
            default:
                if (c == '-' || c >= '0' && c <= '9') return ParseNumber();
                throw Fail($"'{Printable(c)}' cannot start a JSON value", 1);
        }
    }

    private NNode ParseObject(int depth)
    {
        if (depth >= MaxDepth) throw Fail($"the JSON is nested deeper than {MaxDepth} levels", 1);
        var start = _position++;
        var members = new List<NMember>();
        var names = new List<JsonMemberInfo>();
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
        }
        else
        {
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"') throw Fail(Peek() == '}' ? "a comma must not follow the last member (trailing commas are not JSON)" : "expected a property name in double quotes", 1);
                var nameStart = _position;
                var name = ReadString(out var nameKnown);
                var nameEnd = _position;
                SkipWhitespace();
                if (Peek() != ':') throw Fail($"expected ':' after the property name \"{name}\"", 1);
                _position++;
                SkipWhitespace();
                var valueStart = _position;
                var value = ParseValue(depth + 1);
                var info = new JsonMemberInfo { NameStart = nameStart, NameEnd = nameEnd, ValueStart = valueStart, ValueEnd = _position };
                if (names.Count > 0)
                {
                    info.PreviousEnd = names[names.Count - 1].ValueEnd;
                    names[names.Count - 1].NextStart = nameStart;
                }
                names.Add(info);
                if (nameKnown)
                {
                    members.Add(new NMember(name, _map(nameStart, nameEnd), value) { Tag = info });
                }
                SkipWhitespace();
                var next = Peek();
                if (next == ',')
                {
                    _position++;
                    continue;
                }
                if (next == '}')
                {
                    _position++;
                    break;
                }
                throw Fail(next == '\0' ? "unexpected end of the text; expected ',' or '}'" : "expected ',' or '}' after a property value", next == '\0' ? 0 : 1);
            }
        }
        var node = new NNode(NodeKind.Object, _map(start, _position))
        {
            Members = members,
            AnchorSpan = _map(start, start + 1),
            RawJson = _text.Substring(start, _position - start),
        };
        return Node(node, start);
    }

    private NNode ParseArray(int depth)
    {
        if (depth >= MaxDepth) throw Fail($"the JSON is nested deeper than {MaxDepth} levels", 1);
        var start = _position++;
        var items = new List<NNode>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
        }
        else
        {
            while (true)
            {
                SkipWhitespace();
                if (Peek() == ']') throw Fail("a comma must not follow the last item (trailing commas are not JSON)", 1);
                items.Add(ParseValue(depth + 1));
                SkipWhitespace();
                var next = Peek();
                if (next == ',')
                {
                    _position++;
                    continue;
                }
                if (next == ']')
                {
                    _position++;
                    break;
                }
                throw Fail(next == '\0' ? "unexpected end of the text; expected ',' or ']'" : "expected ',' or ']' after an array item", next == '\0' ? 0 : 1);
            }
        }
        var node = new NNode(NodeKind.Array, _map(start, _position)) { Items = items, AnchorSpan = _map(start, start + 1) };
        return Node(node, start);
    }

    private NNode ParseString()
    {
        var start = _position;
        var text = ReadString(out var known);
        return Node(new NNode(NodeKind.String, _map(start, _position)) { Text = text, Known = known }, start);
    }

    private string ReadString(out bool known)
    {
        known = true;
        var start = _position;
        _position++; // opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                _position = start;
                throw Fail("the string is not closed; expected '\"'", 1);
            }
            var c = _text[_position];
            if (c == '"')
            {
                _position++;
                return builder.ToString();
            }
            if (c == LiteralText.Hole) known = false;
            if (c < ' ') throw Fail(c == '\n' || c == '\r' ? "a line break inside a JSON string must be written \\n" : "a control character inside a JSON string must be escaped", 1);
            if (c != '\\')
            {
                builder.Append(c);
                _position++;
                continue;
            }
            if (_position + 1 >= _text.Length) throw Fail("the string is not closed; expected '\"'", 1);
            var e = _text[_position + 1];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 6 > _text.Length || !IsHex(_text, _position + 2, 4)) throw Fail("\\u must be followed by four hex digits", 2);
                    builder.Append((char)int.Parse(_text.Substring(_position + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    _position += 6;
                    continue;
                default:
                    throw Fail($"'\\{Printable(e)}' is not a JSON escape", 2);
            }
            _position += 2;
        }
    }

    private NNode ParseNumber()
    {
        var start = _position;
        if (Peek() == '-') _position++;
        if (Peek() == '0')
        {
            _position++;
            if (char.IsDigit(Peek())) throw Fail("a JSON number must not have leading zeros", 1);
        }
        else if (char.IsDigit(Peek()))
        {
            while (char.IsDigit(Peek())) _position++;
        }
        else
        {
            throw Fail("expected a digit", 1);
        }
        if (Peek() == '.')
        {
            _position++;
            if (!char.IsDigit(Peek())) throw Fail("expected a digit after the decimal point", 1);
            while (char.IsDigit(Peek())) _position++;
        }
        if (Peek() is 'e' or 'E')
        {
            _position++;
            if (Peek() is '+' or '-') _position++;
            if (!char.IsDigit(Peek())) throw Fail("expected a digit in the exponent", 1);
            while (char.IsDigit(Peek())) _position++;
        }
        var raw = _text.Substring(start, _position - start);
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
        return Node(new NNode(NodeKind.Number, _map(start, _position)) { Text = raw, Number = number }, start);
    }

    private NNode ParseLiteral(string word, NodeKind kind, bool value)
    {
        var start = _position;
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            var end = _position;
            while (end < _text.Length && char.IsLetter(_text[end])) end++;
            throw Fail($"'{_text.Substring(_position, Math.Max(1, end - _position))}' is not a JSON value (true, false and null are lower case; strings need double quotes)", Math.Max(1, end - _position));
        }
        _position += word.Length;
        return Node(new NNode(kind, _map(start, _position)) { Boolean = value, Text = word }, start);
    }

    private NNode Node(NNode node, int start)
    {
        node.Tag = new JsonValueInfo { Start = start, End = _position };
        return node;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r') _position++;
    }

    private JsonParseException Fail(string message, int length)
    {
        var offset = Math.Min(_position, _text.Length);
        return new JsonParseException(new JsonSyntaxError(offset, length, $"({Where(_text, offset)}): {message}"));
    }

    private static bool IsHex(string text, int from, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!Uri.IsHexDigit(text[from + i])) return false;
        }
        return true;
    }

    private static string Printable(char c) => c < ' ' ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString();

    private sealed class JsonParseException : Exception
    {
        public JsonParseException(JsonSyntaxError error) => Error = error;

        public JsonSyntaxError Error { get; }
    }
}
