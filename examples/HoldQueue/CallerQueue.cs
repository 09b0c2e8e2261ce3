/// <summary>The callers waiting for an agent, in the order they arrived (by call uuid).</summary>
public sealed class CallerQueue
{
    private readonly List<string> _waiting = [];

    /// <summary>Adds a caller; returns their place (1 = next).</summary>
    public int Join(string uuid)
    {
        lock (_waiting)
        {
            _waiting.Add(uuid);
            return _waiting.Count;
        }
    }

    public void Leave(string uuid)
    {
        lock (_waiting) _waiting.Remove(uuid);
    }

    /// <summary>Takes the caller who has waited longest, if any.</summary>
    public string? Next()
    {
        lock (_waiting)
        {
            if (_waiting.Count == 0) return null;
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            return next;
        }
    }

    /// <summary>Takes everyone.</summary>
    public List<string> Drain()
    {
        lock (_waiting)
        {
            var all = _waiting.ToList();
            _waiting.Clear();
            return all;
        }
    }
}
