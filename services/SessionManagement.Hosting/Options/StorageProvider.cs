namespace SessionManagement.Hosting.Options;

public enum StorageProvider
{
    Sqlite,
    MongoDb,
}
