using Telemed.Grains.Communities;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The community grain's refusals of an admin change as RFC 9457 problem details: a stale revision 412, an id taken
/// 409, an unknown institution 404, an invalid definition (levels, parents, roster, settings) 400. The grain's
/// message is the detail.
/// </summary>
internal static class AdminProblems
{
    public static async Task<IResult> RunAsync(string what, Func<Task<IResult>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (RevisionMismatchException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: $"the {what} changed", detail: e.Message);
        }
        catch (DefinitionConflictException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: $"the {what} conflicts with one that exists", detail: e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"no such {what}", detail: e.Message);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"the {what} is not valid", detail: e.Message);
        }
        catch (InvalidOperationException e)
        {
            // e.g. a reader already enrolled in another community
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: $"the {what} cannot change that way", detail: e.Message);
        }
    }
}
