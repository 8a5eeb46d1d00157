using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace SessionManagement.Hosting.Storage.Mongo;

/// <summary>
/// The one convention pack (camelCase, ignore extra elements, dates as BSON dates, enums as names) and the standard
/// GUID representation, registered once per process before any client is made.
/// </summary>
public static class MongoConventions
{
    private static readonly Lazy<bool> Registration = new(() =>
    {
        ConventionRegistry.Register(
            "session-management",
            new ConventionPack
            {
                new CamelCaseElementNameConvention(),
                new IgnoreExtraElementsConvention(true),
                new DateTimeOffsetAsDateTimeConvention(),
                new EnumRepresentationConvention(BsonType.String),
            },
            type => type.Namespace?.StartsWith("SessionManagement", StringComparison.Ordinal) == true);
        BsonSerializer.TryRegisterSerializer(new GuidSerializer(GuidRepresentation.Standard));
        return true;
    });

    public static void Register() => _ = Registration.Value;
}
