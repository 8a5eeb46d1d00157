using SessionManagement.Hosting.Configuration;

namespace SessionManagement.Hosting.Tests.Configuration;

public sealed class RabbitMqAddressTests
{
    [Fact]
    public void When_the_uri_has_credentials_port_and_vhost_Should_read_them_all()
    {
        Assert.True(RabbitMqAddress.TryParse("amqp://sm:p%40ss@broker:5673/team%2Fa", out var address, out _));

        Assert.Equal(new RabbitMqAddress("broker", 5673, "team/a", "sm", "p@ss", false), address);
    }

    [Fact]
    public void When_the_uri_is_bare_Should_use_the_broker_defaults()
    {
        Assert.True(RabbitMqAddress.TryParse("amqps://broker", out var address, out _));

        Assert.Equal(new RabbitMqAddress("broker", 5671, "/", "guest", "guest", true), address);
    }

    [Theory]
    [InlineData("http://broker:5672")]
    [InlineData("broker:5672")]
    [InlineData("")]
    public void When_the_uri_is_not_amqp_Should_say_so(string text)
    {
        Assert.False(RabbitMqAddress.TryParse(text, out _, out var problem));
        Assert.Contains("not an AMQP URI", problem, StringComparison.Ordinal);
    }
}
