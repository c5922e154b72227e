namespace Telemed.ConsultHub.Live.Events;

/// <summary>What <see cref="CaseEventsHub"/> pushes; the method names are the client's event names.</summary>
public interface ICaseEventsClient
{
    Task Case(CaseEvent change);

    Task Alert(AlertEvent alert);

    Task Worklist(WorklistEvent worklist);
}
