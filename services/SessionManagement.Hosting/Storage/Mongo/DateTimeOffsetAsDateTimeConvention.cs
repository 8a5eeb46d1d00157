using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace SessionManagement.Hosting.Storage.Mongo;

/// <summary>
/// Stores <see cref="DateTimeOffset"/> members as BSON dates (UTC, millisecond precision) rather than the
/// driver's default [ticks, offset] array, so range queries, sorts and <c>$max</c> compare instants.
/// </summary>
internal sealed class DateTimeOffsetAsDateTimeConvention : ConventionBase, IMemberMapConvention
{
    private static readonly DateTimeOffsetSerializer AsDate = new(BsonType.DateTime);

    public void Apply(BsonMemberMap memberMap)
    {
        if (memberMap.MemberType == typeof(DateTimeOffset))
            memberMap.SetSerializer(AsDate);
        else if (memberMap.MemberType == typeof(DateTimeOffset?))
            memberMap.SetSerializer(new NullableSerializer<DateTimeOffset>(AsDate));
    }
}
