using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Gateway.Web;

/// <summary>
/// A page of the web view: its component rendered to HTML on the server (static rendering, Blazor's <see cref="HtmlRenderer"/>).
/// Not <c>RazorComponentResult</c>: that wants the whole of <c>AddRazorComponents</c> (antiforgery, data protection, interactivity),
/// about 10 MB more of every idle host for pages that never post back to a component.
/// </summary>
/// <param name="parameters">The component's parameters, by name, as an object's properties.</param>
internal sealed class PageResult<TComponent>(object parameters) : IResult where TComponent : IComponent
{
    public int StatusCode { get; init; } = StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext http)
    {
        var values = parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters));
        var services = http.RequestServices;
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(values))).ToHtmlString());
        http.Response.StatusCode = StatusCode;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.ContentSecurityPolicy = WebAssets.ContentSecurityPolicy;
        await http.Response.WriteAsync(html, http.RequestAborted);
    }
}
