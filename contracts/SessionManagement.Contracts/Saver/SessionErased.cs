namespace SessionManagement.Contracts.Saver;

/// <summary>
/// A module removed what it held of a session deleted for good (<see cref="SessionDeleted"/>), its backups included: the gateway that
/// was asked answers once the modules that hold content have said so, or says which have not yet.
/// </summary>
/// <param name="SessionId">The session deleted.</param>
/// <param name="Module">The module that erased its part: <c>chat</c>, <c>context</c>, <c>gateway</c>.</param>
/// <param name="ErasedAt">When.</param>
public record SessionErased(string SessionId, string Module, DateTimeOffset ErasedAt);
