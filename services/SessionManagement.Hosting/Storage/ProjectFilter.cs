using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Contracts;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Hosting.Storage;

/// <summary>
/// A project asked for in a store: rows of its own folder and of the worktrees Claude Code made in it
/// (<see cref="ProjectFolders"/>), found through the folder column's index either way.
/// </summary>
public static class ProjectFilter
{
    /// <summary>The condition on <paramref name="column"/>, with the parameters <see cref="BindProject"/> gives.</summary>
    public static string Sql(string column) => $"({Own(column)} OR {Worktrees(column)})";

    /// <summary>Its half for the project's own folder: one key of the column's index.</summary>
    public static string Own(string column) => $"{column} = $project";

    /// <summary>Its half for the project's worktrees: one range of the column's index.</summary>
    public static string Worktrees(string column) =>
        $"({column} > $worktreesFrom AND {column} < $worktreesTo AND instr(substr({column}, length($worktreesFrom) + 1), '/') = 0)";

    /// <summary>Binds the parameters of <see cref="Sql"/> for <paramref name="project"/> (all null without one).</summary>
    public static SqliteCommand BindProject(this SqliteCommand command, string? project)
    {
        project = ProjectFolders.Normalize(project);
        var (from, to) = project is null ? (null, null) : ProjectFolders.WorktreeRange(project);
        return command.Bind("$project", project).Bind("$worktreesFrom", from).Bind("$worktreesTo", to);
    }

    /// <summary>The same condition on a document's <paramref name="field"/>: the folder itself, or a prefix match of its worktrees.</summary>
    public static FilterDefinition<T> Mongo<T>(Expression<Func<T, object?>> field, string project)
    {
        project = ProjectFolders.Normalize(project);
        var (from, _) = ProjectFolders.WorktreeRange(project);
        return Builders<T>.Filter.Or(Builders<T>.Filter.Eq(field, project),
            Builders<T>.Filter.Regex(field, new BsonRegularExpression("^" + Regex.Escape(from) + "[^/]+$")));
    }
}
