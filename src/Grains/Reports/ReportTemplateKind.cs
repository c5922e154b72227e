namespace Telemed.Grains.Reports;

public enum ReportTemplateKind
{
    RestingEcg,
    ChestXray,
}
