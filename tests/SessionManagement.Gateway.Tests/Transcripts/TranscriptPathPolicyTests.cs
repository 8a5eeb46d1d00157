using SessionManagement.Gateway.Options;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Transcripts;

public sealed class TranscriptPathPolicyTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _outside = new();
    private readonly TranscriptPathPolicy _policy;

    public TranscriptPathPolicyTests()
    {
        _policy = new TranscriptPathPolicy(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { TranscriptRoots = [_root.Path] }));
        Directory.CreateDirectory(Path.Combine(_root.Path, "-home-u-proj"));
    }

    private string Create(string directory, string relative)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{}\n");
        return path;
    }

    [Fact]
    public void When_the_transcript_is_a_jsonl_under_an_allowed_root_Should_allow_it()
    {
        var path = Create(_root.Path, "-home-u-proj/abc.jsonl");

        Assert.True(_policy.TryResolve(path, out var resolved, out _));
        Assert.Equal(path, resolved);
    }

    [Fact]
    public void When_the_path_climbs_out_with_dot_dot_Should_refuse_it()
    {
        var secret = Create(_outside.Path, "secret.jsonl");
        var climbing = Path.Combine(_root.Path, "-home-u-proj", "..", "..", Path.GetFileName(_outside.Path), "secret.jsonl");

        Assert.False(_policy.TryResolve(climbing, out _, out var problem));
        Assert.Contains("outside the allowed folders", problem, StringComparison.Ordinal);
        Assert.True(File.Exists(secret));
    }

    [Fact]
    public void When_a_symlink_inside_points_outside_Should_refuse_it()
    {
        var secret = Create(_outside.Path, "secret.jsonl");
        var link = Path.Combine(_root.Path, "-home-u-proj", "innocent.jsonl");
        File.CreateSymbolicLink(link, secret);

        Assert.False(_policy.TryResolve(link, out _, out var problem));
        Assert.Contains("outside the allowed folders", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void When_a_symlinked_folder_points_outside_Should_refuse_what_is_under_it()
    {
        Create(_outside.Path, "project/s.jsonl");
        var linkedFolder = Path.Combine(_root.Path, "linked");
        Directory.CreateSymbolicLink(linkedFolder, Path.Combine(_outside.Path, "project"));

        Assert.False(_policy.TryResolve(Path.Combine(linkedFolder, "s.jsonl"), out _, out _));
    }

    [Theory]
    [InlineData("relative/path.jsonl", "absolute")]
    [InlineData("/etc/passwd", ".jsonl")]
    [InlineData("", "absolute")]
    public void When_the_path_is_not_a_transcript_Should_say_why(string path, string expected)
    {
        Assert.False(_policy.TryResolve(path, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_file_does_not_exist_yet_Should_say_so()
    {
        Assert.False(_policy.TryResolve(Path.Combine(_root.Path, "-home-u-proj", "later.jsonl"), out _, out var problem));
        Assert.Contains("does not exist", problem, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _root.Dispose();
        _outside.Dispose();
    }
}
