namespace SessionManagement.Gateway.Tests.Storage;

/// <summary>The shape of every gateway store contract: one fresh store per test, on the provider a subclass opens.</summary>
public abstract class GatewayStoreContract<TStore> : IAsyncLifetime where TStore : class
{
    private GatewayStoreProvider _provider = null!;

    protected TStore Store { get; private set; } = null!;

    private protected GatewayStoreProvider Provider => _provider;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private protected abstract Task<GatewayStoreProvider> OpenAsync();

    private protected abstract TStore Create(GatewayStoreProvider provider);

    public async ValueTask InitializeAsync()
    {
        _provider = await OpenAsync();
        Store = Create(_provider);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
