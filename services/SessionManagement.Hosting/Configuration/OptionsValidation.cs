using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Configuration;

/// <summary>Binds a section strictly and checks its data annotations, reporting each problem by its configuration key.</summary>
public static class OptionsValidation
{
    /// <summary>Binds and validates a module's section; throws <see cref="InvalidConfigurationException"/> naming every bad key.</summary>
    public static T BindOrThrow<T>(IConfiguration configuration, string section) where T : new()
    {
        var problems = new List<string>();
        var options = Bind<T>(configuration, section, problems);
        return problems.Count == 0 ? options : throw new InvalidConfigurationException(problems);
    }

    internal static T Bind<T>(IConfiguration configuration, string section, List<string> problems) where T : new()
    {
        var options = new T();
        var unknown = problems.Count;
        CheckKeysAreKnown(configuration.GetSection(section), typeof(T), problems);
        if (problems.Count > unknown)
            return options;
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException bindingError)
        {
            problems.Add($"{section}: {bindingError.Message}");
            return options;
        }
        Validate(options, section, problems);
        return options;
    }

    // The binder's own unknown-key check ignores [ConfigurationKeyName], so the snake_case keys are checked here.
    private static void CheckKeysAreKnown(IConfigurationSection section, Type type, List<string> problems)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(KeyOf, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
                problems.Add($"{child.Path}: unknown key; known keys here: {string.Join(", ", properties.Keys)}");
            else if (IsOptionsGroup(property.PropertyType))
                CheckKeysAreKnown(child, property.PropertyType, problems);
        }
    }

    private static string KeyOf(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    private static void Validate(object options, string path, List<string> problems)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
                continue;
            var key = $"{path}:{KeyOf(property)}";
            var value = property.GetValue(options);
            if (value is not null && IsOptionsGroup(property.PropertyType))
            {
                Validate(value, key, problems);
                continue;
            }
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = key };
            foreach (var rule in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (rule.GetValidationResult(value, context) is { } failure)
                    problems.Add($"{key}: {failure.ErrorMessage} (got '{(value is not string and IEnumerable<string> list ? string.Join("', '", list) : value)}')");
            }
        }
    }

    private static bool IsOptionsGroup(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(Options.SessionManagementOptions).Namespace;
}
