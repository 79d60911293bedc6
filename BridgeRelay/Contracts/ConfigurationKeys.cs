using System.Collections;
using System.Reflection;

namespace BridgeRelay.Contracts;

/// <summary>
/// Finds configuration keys that bind to no option, so a misspelt key in a unit's environment file stops start-up instead of
/// being ignored. Shared by the bridge and the signaling node (both see this assembly; it needs no configuration package).
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>
    /// The keys among <paramref name="keys"/> (full paths such as <c>Bridge:MediaPort</c> or <c>Signaling:VisitorNodes:0:Url</c>)
    /// below <paramref name="section"/> that name no public settable property of <paramref name="optionsType"/>, walking into lists
    /// (numeric indexes), string-keyed dictionaries (any key, e.g. <c>Signaling:Tenants:acme:JwtSecret</c>) and nested option classes. Each is reported once, cut at its first unknown segment, in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> Unknown(string section, IEnumerable<string> keys, Type optionsType)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(optionsType);
        var prefix = section + ":";
        var unknown = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && FirstUnknownSegment(key[prefix.Length..].Split(':'), optionsType) is int bad)
            {
                unknown.Add(string.Join(':', key.Split(':').Take(bad + 2)));
            }
        }

        return [.. unknown];
    }

    // Index of the first segment that binds to nothing, or null when the whole path binds.
    private static int? FirstUnknownSegment(string[] segments, Type type)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            // A dictionary's keys are names the operator chooses (a tenant): any segment binds, its values are checked below it.
            if (DictionaryValueType(type) is { } value)
            {
                type = value;
                continue;
            }

            if (ElementType(type) is { } element)
            {
                if (!int.TryParse(segments[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    return i;
                }

                type = element;
                continue;
            }

            if (IsLeaf(type))
            {
                return i;
            }

            var property = type.GetProperty(segments[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !(property.CanWrite || ElementType(property.PropertyType) is not null || DictionaryValueType(property.PropertyType) is not null))
            {
                return i;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return null;
    }

    private static bool IsLeaf(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(DateTime) || type == typeof(DateTimeOffset);

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && typeof(IDictionary<,>).MakeGenericType(key, value).IsAssignableFrom(type)
            ? value
            : null;

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : type.GetGenericArguments() is [var element] ? element : null;
    }
}
