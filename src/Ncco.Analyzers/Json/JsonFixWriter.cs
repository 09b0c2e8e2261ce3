using Microsoft.CodeAnalysis.Text;
using Ncco.Analyzers.Model;

namespace Ncco.Analyzers.Json;

/// <summary>Writes fixes as edits inside a JSON string literal, escaping inserted text for the literal's form.</summary>
internal sealed class JsonFixWriter : IFixWriter
{
    private readonly LiteralText _literal;

    public JsonFixWriter(LiteralText literal) => _literal = literal;

    public (string Title, string Key, List<SourceEdit> Edits)? Write(FixRequest request)
    {
        if (!_literal.Exact) return null;
        switch (request.Kind)
        {
            case FixKind.WrapInArray when request.Node?.Tag is JsonValueInfo value:
                return ("Wrap the value in an array", "ncco.wrap",
                [
                    Insert(_literal.PositionBefore(value.Start), "["),
                    Insert(_literal.End[value.End - 1], "]"),
                ]);

            case FixKind.Rename when request.Member?.Tag is JsonMemberInfo member && request.Text is { } name:
                return ($"Rename to '{name}'", "ncco.rename", [new SourceEdit(_literal.Map(member.NameStart + 1, member.NameEnd - 1), _literal.Escape(name))]);

            case FixKind.Remove when request.Member?.Tag is JsonMemberInfo member:
                TextSpan span;
                if (member.NextStart >= 0) span = TextSpan.FromBounds(_literal.PositionBefore(member.NameStart), _literal.PositionBefore(member.NextStart));
                else if (member.PreviousEnd >= 0) span = TextSpan.FromBounds(_literal.End[member.PreviousEnd - 1], _literal.End[member.ValueEnd - 1]);
                else span = TextSpan.FromBounds(_literal.PositionBefore(member.NameStart), _literal.End[member.ValueEnd - 1]);
                return ($"Remove '{request.Member.Name}'", "ncco.remove", [new SourceEdit(span, string.Empty)]);

            case FixKind.AddInputType when request.Node?.Member("action")?.Tag is JsonMemberInfo action && request.Items is { } items:
                var json = ", \"type\": [" + string.Join(", ", items.Select(i => "\"" + i + "\"")) + "]";
                return ($"Add {json.Substring(2)}", "ncco.addtype", [Insert(_literal.End[action.ValueEnd - 1], _literal.Escape(json))]);
        }
        return null;
    }

    private static SourceEdit Insert(int position, string text) => new(new TextSpan(position, 0), text);
}
