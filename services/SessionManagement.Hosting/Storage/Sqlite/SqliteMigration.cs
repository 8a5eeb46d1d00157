namespace SessionManagement.Hosting.Storage.Sqlite;

/// <summary>One numbered schema step of a module's tables; applied once, in version order, at start-up.</summary>
/// <param name="Module">The module that owns the tables (migrations are numbered per module).</param>
/// <param name="Version">1, 2, 3, … within the module.</param>
/// <param name="Sql">The statements to run, in one transaction.</param>
public sealed record SqliteMigration(string Module, int Version, string Sql);
