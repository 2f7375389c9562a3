using Mandate.Server.Access;

namespace Mandate.Server.Tests.Access;

/// <summary>The bounded set of shared names behind the AuthZEN reader and the evaluation endpoints.</summary>
public sealed class SharedByNameTests
{
    [Fact]
    public void AKeptName_IsFoundByStringAndByCharacters_AsTheFirstValueMade()
    {
        var names = new SharedByName<string>(4);
        var first = new string("read".AsSpan());

        Assert.Same(first, names.Share(first, first));
        Assert.Same(first, names.Share("read", new string("read".AsSpan())));
        Assert.True(names.TryGet("read", out var byString));
        Assert.True(names.TryGet("xreadx".AsSpan(1, 4), out var byChars));
        Assert.Same(first, byString);
        Assert.Same(first, byChars);
    }

    [Fact]
    public void PastItsCapacity_NewNamesAreNotKept_AndKeptOnesStillShared()
    {
        var names = new SharedByName<string>(2);
        names.Share("a", "a");
        names.Share("b", "b");

        var late = new string("c".AsSpan());
        Assert.Same(late, names.Share(late, late));
        Assert.False(names.TryGet("c", out _));

        var again = new string("a".AsSpan());
        Assert.NotSame(again, names.Share(again, again));
        Assert.True(names.TryGet("a", out _));
    }

    [Fact]
    public void ThreadsSharingOneNameAtOnce_AllGetTheKeptValue()
    {
        var names = new SharedByName<object>(1024);
        var results = new object[64];

        Parallel.For(0, results.Length, i => results[i] = names.Share("write", new object()));

        Assert.True(names.TryGet("write", out var kept));
        Assert.All(results, result => Assert.Same(kept, result));
    }
}
