using SessionManagement.Contracts.Chat;

namespace SessionManagement.Gateway.Web.Rendering;

/// <summary>One API response's tokens and what they cost at the model's price; no cost when the price table does not know the model.</summary>
public sealed record TurnUsage(TokenUsageView Tokens, decimal? CostUsd)
{
    public long Input => Tokens.InputTokens + Tokens.CacheCreationInputTokens + Tokens.CacheReadInputTokens;
}
