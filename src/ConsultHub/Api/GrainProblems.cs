using Telemed.Grains.Cases;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// Turns the grains' refusals into RFC 9457 problem details: a lifecycle step the case's status does not allow is a
/// 409 Conflict, a case that does not exist 404, a request the grain finds invalid (unknown report field, no
/// impression, no reason) 400. The grain's message is the detail, so the client reads why.
/// </summary>
internal static class GrainProblems
{
    public static async Task<IResult> RunAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (CaseTransitionException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "the case's status does not allow this", detail: e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "no such case", detail: e.Message);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "the request is not valid for this case", detail: e.Message);
        }
    }
}
