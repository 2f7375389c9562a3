using System.Text.Json;

namespace Mandate.Server.Access;

/// <summary>An entity in a search request: the searched-for side carries only its <c>type</c>.</summary>
public sealed record SearchEntity(string Type, string? Id = null, JsonElement? Properties = null);

/// <summary>Paging of a search: an opaque <c>token</c> from the previous page and a <c>limit</c>.</summary>
public sealed record SearchPage(string? Token = null, int? Limit = null);

/// <summary>Body of the AuthZEN search endpoints.</summary>
public sealed record SearchRequest(SearchEntity? Subject = null, ActionRef? Action = null, SearchEntity? Resource = null, JsonElement? Context = null, SearchPage? Page = null);

/// <summary>A page of search results; <c>page.next_token</c> is empty at the end.</summary>
public sealed record SearchResponse<T>(IReadOnlyList<T> Results, SearchResponsePage Page);

/// <summary>The continuation of a search.</summary>
public sealed record SearchResponsePage(string NextToken);

/// <summary>A subject or resource found by a search.</summary>
public sealed record FoundEntity(string Type, string Id);

/// <summary>An action found by a search.</summary>
public sealed record FoundAction(string Name);
