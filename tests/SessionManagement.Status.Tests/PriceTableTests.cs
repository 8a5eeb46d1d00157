using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Status.Options;

namespace SessionManagement.Status.Tests;

/// <summary>Prices against Anthropic's list prices, per million tokens, written down here.</summary>
public sealed class PriceTableTests
{
    private static readonly PriceTable Prices = new();

    [Theory]
    [InlineData("claude-opus-4-5-20251101", 5 + 25 + 6.25 + 0.5)]
    [InlineData("claude-opus-4-5", 5 + 25 + 6.25 + 0.5)]
    [InlineData("claude-opus-4-6", 5 + 25 + 6.25 + 0.5)]
    [InlineData("claude-opus-4-1-20250805", 15 + 75 + 18.75 + 1.5)]
    [InlineData("claude-opus-4-20250514", 15 + 75 + 18.75 + 1.5)]
    [InlineData("claude-sonnet-4-5-20250929", 3 + 15 + 3.75 + 0.3)]
    [InlineData("claude-sonnet-4-6", 3 + 15 + 3.75 + 0.3)]
    [InlineData("claude-3-7-sonnet-20250219", 3 + 15 + 3.75 + 0.3)]
    [InlineData("claude-haiku-4-5-20251001", 1 + 5 + 1.25 + 0.1)]
    [InlineData("claude-3-5-haiku-20241022", 0.8 + 4 + 1 + 0.08)]
    [InlineData("anthropic.claude-sonnet-4-5-20250929-v1:0", 3 + 15 + 3.75 + 0.3)] // Bedrock
    [InlineData("us.anthropic.claude-opus-4-1-20250805-v1:0", 15 + 75 + 18.75 + 1.5)] // Bedrock cross-region
    [InlineData("claude-haiku-4-5@20251001", 1 + 5 + 1.25 + 0.1)] // Vertex
    [InlineData("anthropic/claude-opus-4-5", 5 + 25 + 6.25 + 0.5)] // a gateway
    public void When_a_model_is_named_by_any_of_its_ids_Should_price_it_at_its_own_list_price(string model, double perMillionOfEach)
    {
        var price = Prices.Find(model);

        Assert.NotNull(price);
        // 100,000 of each kind: below the 200,000 where long-context rates begin.
        Assert.Equal(decimal.Round((decimal)perMillionOfEach / 10, 6), decimal.Round(price.Cost(100_000, 100_000, 100_000, 100_000), 6));
    }

    [Theory]
    [InlineData("claude-opus-9")]
    [InlineData("claude-opus")]
    [InlineData("gpt-5")]
    [InlineData("<synthetic>")]
    [InlineData("")]
    [InlineData(null)]
    public void When_a_model_is_not_in_the_table_Should_leave_it_unpriced(string? model) => Assert.Null(Prices.Find(model));

    [Fact]
    public void When_a_response_passes_200k_tokens_of_a_kind_Should_charge_the_long_context_rate_beyond_them()
    {
        var sonnet = Prices.Find("claude-sonnet-4-5")!;
        var opus = Prices.Find("claude-opus-4-5")!;

        Assert.Equal(200_000 * 3m / 1_000_000 + 100_000 * 6m / 1_000_000, sonnet.Cost(300_000, 0, 0, 0));
        Assert.Equal(300_000 * 5m / 1_000_000, opus.Cost(300_000, 0, 0, 0)); // Opus 4.5 has no long-context rate
    }

    [Fact]
    public void When_prices_are_configured_Should_add_or_replace_models_and_refuse_incomplete_ones()
    {
        var options = new StatusOptions();
        options.Prices["claude-opus-4-5"] = new PriceOptions { Input = 4, Output = 20 };
        options.Prices["claude-private-1"] = new PriceOptions { Input = 2, Output = 8, CacheRead = 0 };
        var table = PriceTable.From(options.Prices);
        options.Prices["claude-broken"] = new PriceOptions { Input = 2 };
        options.Prices["claude-negative"] = new PriceOptions { Input = -1, Output = 1 };

        Assert.Equal(4m + 20m + 5m + 0.4m, table.Find("claude-opus-4-5")!.Cost(1_000_000, 1_000_000, 1_000_000, 1_000_000));
        Assert.Equal(2m + 8m + 2.5m, table.Find("claude-private-1")!.Cost(1_000_000, 1_000_000, 1_000_000, 1_000_000));
        Assert.Equal(5m + 25m, table.Find("claude-opus-4-5-20251101")!.Cost(1_000_000, 1_000_000, 0, 0)); // the dated id keeps its own price
        var refused = Assert.Throws<InvalidConfigurationException>(() => PriceTable.From(options.Prices));
        Assert.Contains("Status:Prices:claude-broken: both Input and Output are needed", refused.Message);
        Assert.Contains("Status:Prices:claude-negative: a price below zero", refused.Message);
    }

    [Fact]
    public void When_prices_are_configured_in_the_settings_Should_be_read_by_whoever_builds_the_table_from_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Status:Prices:claude-private-2:Input"] = "2",
            ["Status:Prices:claude-private-2:Output"] = "10",
        }).Build();

        var table = PriceTable.From(configuration);

        Assert.Equal(2m + 10m + 2.5m + 0.2m, table.Find("claude-private-2")!.Cost(1_000_000, 1_000_000, 1_000_000, 1_000_000));
        Assert.Null(new PriceTable().Find("claude-private-2"));
    }
}
