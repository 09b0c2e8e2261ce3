namespace Ncco.Validation.Tokens;

/// <summary>A walk over an object's members or an array's items: the next token and the end of the container.</summary>
internal struct TokenCursor
{
    public int Index;
    public int End;

    public TokenCursor(int index, int end)
    {
        Index = index;
        End = end;
    }
}
