using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Storage;

public sealed record SessionList(long Total, IReadOnlyList<SessionState> Sessions);
