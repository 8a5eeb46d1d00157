namespace SessionManagement.Testing;

/// <summary>The MongoDB endpoint the tests talk to, and whether it is the wire-protocol test double rather than MongoDB.</summary>
/// <param name="Uri">A mongodb:// connection string.</param>
/// <param name="IsTestDouble">True for tests/mongodb-test-double (mockupdb + mongomock): no transactions, no $text.</param>
/// <param name="Description">What answered, for logs and skip reasons.</param>
public sealed record MongoEndpoint(string Uri, bool IsTestDouble, string Description);
