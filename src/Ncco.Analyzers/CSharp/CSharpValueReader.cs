using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Ncco.Analyzers.Model;
using Ncco.Rules;

namespace Ncco.Analyzers.CSharp;

/// <summary>
/// Reads C# expressions as the JSON System.Text.Json would write for them: anonymous objects become objects,
/// arrays and collections become arrays, constants become values, and other expressions become values of the
/// JSON kind of their type (a string variable is a string, a <see cref="System.Uri"/> too) whose value is unknown.
/// </summary>
internal sealed class CSharpValueReader
{
    private readonly SemanticModel _model;
    private readonly bool _camelCase;
    private readonly CancellationToken _cancellationToken;

    /// <summary>Creates a reader; <paramref name="camelCase"/> applies ASP.NET Core's default camelCase naming policy to member names.</summary>
    public CSharpValueReader(SemanticModel model, bool camelCase, CancellationToken cancellationToken)
    {
        _model = model;
        _camelCase = camelCase;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// Reads from the bound operation tree the analyzer driver already built (no semantic-model queries), falling
    /// back to syntax for shapes the operation API of Roslyn 4.8 does not describe (collection expressions, dictionaries).
    /// </summary>
    public NNode Read(IOperation operation, int depth = 0)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }
        if (depth > 32 || operation.Syntax is not ExpressionSyntax syntax) return NNode.Unknown(operation.Syntax.Span);
        switch (operation)
        {
            case IAnonymousObjectCreationOperation anonymous when syntax is AnonymousObjectCreationExpressionSyntax anonymousSyntax:
                var members = new List<NMember>(anonymous.Initializers.Length);
                foreach (var initializer in anonymous.Initializers)
                {
                    if (initializer is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment
                        || assignment.Syntax is not AnonymousObjectMemberDeclaratorSyntax declarator) continue;
                    var nameSpan = declarator.NameEquals is { } nameEquals ? nameEquals.Name.Span : declarator.Expression.Span;
                    var name = target.Property.Name;
                    members.Add(new NMember(_camelCase ? CamelCase(name) : name, nameSpan, Read(assignment.Value, depth + 1)) { Tag = declarator });
                }
                return new NNode(NodeKind.Object, syntax.Span) { Members = members, AnchorSpan = anonymousSyntax.NewKeyword.Span, Tag = syntax };

            case IArrayCreationOperation array when syntax is ImplicitArrayCreationExpressionSyntax or ArrayCreationExpressionSyntax:
                var anchor = syntax is ImplicitArrayCreationExpressionSyntax implicitArray ? implicitArray.NewKeyword.Span : ((ArrayCreationExpressionSyntax)syntax).NewKeyword.Span;
                if (array.Initializer is null) return new NNode(NodeKind.Array, syntax.Span) { Items = null, AnchorSpan = anchor, Tag = syntax };
                var items = new List<NNode>(array.Initializer.ElementValues.Length);
                foreach (var element in array.Initializer.ElementValues) items.Add(Read(element, depth + 1));
                return new NNode(NodeKind.Array, syntax.Span) { Items = items, AnchorSpan = anchor, Tag = syntax };

            case ILiteralOperation or IFieldReferenceOperation or ILocalReferenceOperation or IBinaryOperation or IInterpolatedStringOperation
                or IParameterReferenceOperation or IPropertyReferenceOperation or IInvocationOperation or IUnaryOperation:
                if (operation.ConstantValue.HasValue) return Constant(operation.ConstantValue.Value, operation.Type, syntax);
                return FromType(operation.Type, syntax);

            case IObjectCreationOperation creation when creation.Initializer is null:
                return FromType(creation.Type, syntax);
        }
        return Read(syntax, depth);
    }

    public NNode Read(ExpressionSyntax expression, int depth = 0)
    {
        expression = Unwrap(expression);
        var span = expression.Span;
        if (depth > 32) return NNode.Unknown(span);
        switch (expression)
        {
            case AnonymousObjectCreationExpressionSyntax anonymous:
                return ReadAnonymous(anonymous, depth);
            case ImplicitArrayCreationExpressionSyntax implicitArray:
                return Array(implicitArray.Initializer.Expressions, expression, implicitArray.NewKeyword.Span, depth);
            case ArrayCreationExpressionSyntax array:
                return array.Initializer is null
                    ? new NNode(NodeKind.Array, span) { Items = null, AnchorSpan = array.NewKeyword.Span, Tag = expression }
                    : Array(array.Initializer.Expressions, expression, array.NewKeyword.Span, depth);
            case CollectionExpressionSyntax collection:
                return ReadCollection(collection, depth);
            case ObjectCreationExpressionSyntax creation when creation.Initializer is { } initializer
                && (initializer.IsKind(SyntaxKind.CollectionInitializerExpression) || initializer.IsKind(SyntaxKind.ObjectInitializerExpression)):
                if (ReadCollectionObject(creation, initializer, depth) is { } read) return read;
                break;
        }

        var constant = _model.GetConstantValue(expression, _cancellationToken);
        var typeInfo = _model.GetTypeInfo(expression, _cancellationToken);
        var type = typeInfo.ConvertedType is { } converted && converted.SpecialType != SpecialType.System_Object ? converted : typeInfo.Type;
        if (constant.HasValue) return Constant(constant.Value, type, expression);
        return FromType(type, expression);
    }

    private static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    continue;
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    continue;
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    expression = postfix.Operand;
                    continue;
                default:
                    return expression;
            }
        }
    }

    private NNode ReadAnonymous(AnonymousObjectCreationExpressionSyntax anonymous, int depth)
    {
        var members = new List<NMember>();
        foreach (var declarator in anonymous.Initializers)
        {
            string? name;
            Microsoft.CodeAnalysis.Text.TextSpan nameSpan;
            if (declarator.NameEquals is { } nameEquals)
            {
                name = nameEquals.Name.Identifier.ValueText;
                nameSpan = nameEquals.Name.Span;
            }
            else
            {
                name = ImplicitName(declarator.Expression);
                nameSpan = declarator.Expression.Span;
            }
            if (name is null) continue;
            var member = new NMember(_camelCase ? CamelCase(name) : name, nameSpan, Read(declarator.Expression, depth + 1)) { Tag = declarator };
            members.Add(member);
        }
        return new NNode(NodeKind.Object, anonymous.Span) { Members = members, AnchorSpan = anonymous.NewKeyword.Span, Tag = anonymous };
    }

    private static string? ImplicitName(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        ConditionalAccessExpressionSyntax { WhenNotNull: MemberBindingExpressionSyntax binding } => binding.Name.Identifier.ValueText,
        _ => null,
    };

    private NNode Array(SeparatedSyntaxList<ExpressionSyntax> expressions, ExpressionSyntax node, Microsoft.CodeAnalysis.Text.TextSpan anchor, int depth)
    {
        var items = new List<NNode>(expressions.Count);
        foreach (var item in expressions) items.Add(Read(item, depth + 1));
        return new NNode(NodeKind.Array, node.Span) { Items = items, AnchorSpan = anchor, Tag = node };
    }

    private NNode ReadCollection(CollectionExpressionSyntax collection, int depth)
    {
        var items = new List<NNode>(collection.Elements.Count);
        foreach (var element in collection.Elements)
        {
            if (element is ExpressionElementSyntax expressionElement)
            {
                items.Add(Read(expressionElement.Expression, depth + 1));
            }
            else
            {
                // A spread: the items are not known.
                return new NNode(NodeKind.Array, collection.Span) { Items = null, AnchorSpan = collection.OpenBracketToken.Span, Tag = collection };
            }
        }
        return new NNode(NodeKind.Array, collection.Span) { Items = items, AnchorSpan = collection.OpenBracketToken.Span, Tag = collection };
    }

    /// <summary><c>new List&lt;object&gt; { … }</c> is an array; <c>new Dictionary&lt;string, object&gt; { ["k"] = v }</c> an object.</summary>
    private NNode? ReadCollectionObject(ObjectCreationExpressionSyntax creation, InitializerExpressionSyntax initializer, int depth)
    {
        var type = _model.GetTypeInfo(creation, _cancellationToken).Type;
        if (type is null) return null;
        if (IsDictionary(type))
        {
            var members = new List<NMember>();
            foreach (var entry in initializer.Expressions)
            {
                ExpressionSyntax? key = null, value = null;
                if (entry is AssignmentExpressionSyntax { Left: ImplicitElementAccessSyntax access } assignment && access.ArgumentList.Arguments.Count == 1)
                {
                    key = access.ArgumentList.Arguments[0].Expression;
                    value = assignment.Right;
                }
                else if (entry is InitializerExpressionSyntax pair && pair.Expressions.Count == 2)
                {
                    key = pair.Expressions[0];
                    value = pair.Expressions[1];
                }
                if (key is null || value is null) return new NNode(NodeKind.Object, creation.Span) { Members = null, AnchorSpan = creation.NewKeyword.Span };
                if (_model.GetConstantValue(key, _cancellationToken) is not { HasValue: true, Value: string name }) return new NNode(NodeKind.Object, creation.Span) { Members = null, AnchorSpan = creation.NewKeyword.Span };
                members.Add(new NMember(name, key.Span, Read(value, depth + 1)));
            }
            return new NNode(NodeKind.Object, creation.Span) { Members = members, AnchorSpan = creation.NewKeyword.Span, Tag = creation };
        }
        if (initializer.IsKind(SyntaxKind.CollectionInitializerExpression) && IsEnumerable(type))
        {
            return Array(initializer.Expressions, creation, creation.NewKeyword.Span, depth);
        }
        return null;
    }

    private static NNode Constant(object? value, ITypeSymbol? type, ExpressionSyntax expression)
    {
        var span = expression.Span;
        switch (value)
        {
            case null:
                return new NNode(NodeKind.Null, span) { Tag = expression };
            case string s:
                return new NNode(NodeKind.String, span) { Text = s, Tag = expression };
            case char c:
                return new NNode(NodeKind.String, span) { Text = c.ToString(), Tag = expression };
            case bool b:
                return new NNode(NodeKind.Boolean, span) { Boolean = b, Text = b ? "true" : "false", Tag = expression };
            case IConvertible convertible:
                var number = convertible.ToDouble(CultureInfo.InvariantCulture);
                return new NNode(NodeKind.Number, span) { Number = number, Text = number.ToString("R", CultureInfo.InvariantCulture), Tag = expression };
            default:
                return FromType(type, expression);
        }
    }

    private static NNode FromType(ITypeSymbol? type, ExpressionSyntax expression)
    {
        var span = expression.Span;
        if (type is null) return NNode.Unknown(span);
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable) type = nullable.TypeArguments[0];
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
                return new NNode(NodeKind.String, span) { Known = false, Tag = expression };
            case SpecialType.System_Boolean:
                return new NNode(NodeKind.Boolean, span) { Known = false, Tag = expression };
            case SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return new NNode(NodeKind.Number, span) { Known = false, Tag = expression };
        }
        if (type.TypeKind == TypeKind.Enum) return new NNode(NodeKind.Number, span) { Known = false, Tag = expression };
        if (type is { Name: "Uri", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }) return new NNode(NodeKind.String, span) { Known = false, Tag = expression };
        if (type.IsAnonymousType) return new NNode(NodeKind.Object, span) { Members = null, Tag = expression };
        if (IsDictionary(type)) return new NNode(NodeKind.Object, span) { Members = null, Tag = expression };
        if (type is IArrayTypeSymbol || IsEnumerable(type)) return new NNode(NodeKind.Array, span) { Items = null, Tag = expression };
        return NNode.Unknown(span);
    }

    private static bool IsDictionary(ITypeSymbol type) =>
        IsGenericDictionary(type) || type.AllInterfaces.Any(IsGenericDictionary);

    private static bool IsGenericDictionary(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "IDictionary", Arity: 2, ContainingNamespace.Name: "Generic" };

    private static bool IsEnumerable(ITypeSymbol type) =>
        type.SpecialType != SpecialType.System_String
        && (type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable) || type.SpecialType == SpecialType.System_Collections_IEnumerable);

    /// <summary>System.Text.Json's <c>JsonNamingPolicy.CamelCase</c>, which ASP.NET Core applies by default.</summary>
    internal static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0])) return name;
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i])) break;
            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ') chars[i] = char.ToLowerInvariant(chars[i]);
                break;
            }
            chars[i] = char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }
}
