// One case: who asked what, the ECG or the X-ray, the report, and the consult (chat, video, live ECG). The images
// are found through QIDO-RS on the case's studies; an ECG comes as JSON (GET /api/ecgs/{sop}); Cornerstone is only
// downloaded when there is an image to show.
import { ApiError, get, message, request } from '../api';
import { callPanel } from '../consult/callPanel';
import { consultPanel } from '../consult/consultPanel';
import { liveEcgPanel } from '../consult/liveEcg';
import { clear, countdown, h, time } from '../dom';
import { ecgChart, ecgSummary } from '../ecg/ecgChart';
import { caseEvents } from '../live';
import type { View } from '../main';
import { statusLabel, type CaseView, type EcgRecord, type Me } from '../model';
import { reportEditor } from './report';

const dicomJson = { Accept: 'application/dicom+json' };
const waveformClass = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.9\./;

interface Instance {
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
  sopClassUid: string;
  modality: string;
}

export function showCase(main: HTMLElement, me: Me, caseId: string): View {
  const disposers: (() => void | Promise<void>)[] = [];
  const head = h('section', { class: 'case-head card', id: 'case-head' }, h('p', { class: 'muted' }, 'Loading the case…'));
  const viewer = h('section', { class: 'viewer card', id: 'viewer' });
  const side = h('aside', { class: 'side' });
  clear(main, h('div', { class: 'case-layout' }, head, viewer, side));

  let view: CaseView | null = null;
  let report: ReturnType<typeof reportEditor> | null = null;
  let disposed = false;

  async function load(): Promise<void> {
    try {
      view = (await get<CaseView>(`/api/cases/${caseId}`)).data;
    } catch (error) {
      clear(head, h('h1', null, 'Case'), h('p', { class: 'error', role: 'alert' }, message(error)));
      return;
    }
    renderHead(view);
    if (report) {
      await report.reload(view);
    }
  }

  function renderHead(c: CaseView): void {
    const sla = countdown(new Date(c.slaDueAt));
    clear(
      head,
      h('h1', null, h('span', { class: `badge ${c.priority.toLowerCase()}` }, c.priority), ' ', h('span', { id: 'case-patient' }, c.patientId ?? 'Case'), ' ', h('small', null, c.kind)),
      h('p', { class: 'question', id: 'case-question' }, c.clinicalQuestion),
      h(
        'p',
        { class: 'facts' },
        h('span', { class: `status s-${c.status.toLowerCase()}`, id: 'case-status', 'data-status': c.status }, statusLabel(c.status)),
        ` · from ${c.requestingInstitutionId} (${c.requestedBy}) · opened ${time(c.openedAt)} · reader ${c.assignedReaderId ?? '–'} · `,
        h('span', { class: sla.overdue ? 'overdue' : '' }, c.status === 'Signed' || c.status === 'Amended' ? 'done' : `SLA ${sla.text}`),
      ),
      c.ecg?.flags.length ? h('p', { class: 'flags-line' }, 'Automatic analysis: ', c.ecg.flags.join(', ')) : null,
      h('details', { class: 'history' }, h('summary', null, `History (${c.history.length})`), h('ol', null, ...c.history.map((e) => h('li', null, `${time(e.at)} ${e.actor}: ${e.action}`, e.detail ? ` — ${e.detail}` : '')))),
    );
  }

  async function start(): Promise<void> {
    await load();
    if (!view || disposed) return;
    report = reportEditor(view, me, () => void load());
    side.append(report.element);
    const consult = consultPanel(caseId, me);
    side.append(consult.element);
    consult.session.then((session) => {
      if (disposed) {
        void session.dispose();
        return;
      }
      disposers.push(() => session.dispose());
      consult.element.after(callPanel(session), liveEcgPanel(session));
    });
    void showStudies(view);
  }

  async function showStudies(c: CaseView): Promise<void> {
    if (c.studies.length === 0) {
      clear(viewer, h('p', { class: 'muted' }, 'No studies are linked to this case.'));
      return;
    }
    clear(viewer, h('p', { class: 'muted' }, 'Finding the images…'));
    let instances: Instance[];
    try {
      instances = (await Promise.all(c.studies.map(findInstances))).flat();
    } catch (error) {
      clear(viewer, h('p', { class: 'error', role: 'alert' }, `Could not list the studies' images: ${message(error)}`));
      return;
    }
    if (disposed) return;
    const ecgs = instances.filter((i) => waveformClass.test(i.sopClassUid) || i.modality === 'ECG');
    const images = instances.filter((i) => !ecgs.includes(i));
    const tabs = h('div', { class: 'tabs', role: 'tablist' });
    const panel = h('div', { class: 'tab-panel' });
    clear(viewer, tabs, panel);
    const items: { label: string; show: () => Promise<void> }[] = [
      ...ecgs.map((i, n) => ({ label: ecgs.length > 1 ? `ECG ${n + 1}` : 'ECG', show: () => showEcg(panel, i) })),
      ...images.map((i, n) => ({ label: `${i.modality || 'Image'}${images.length > 1 ? ` ${n + 1}` : ''}`, show: () => showImage(panel, i) })),
    ];
    if (items.length === 0) {
      clear(panel, h('p', { class: 'muted' }, 'The linked studies have no instances on this hub yet.'));
      return;
    }
    items.forEach((item, index) => {
      const button = h('button', { type: 'button', role: 'tab', class: 'tab', onclick: () => select(index) }, item.label);
      tabs.append(button);
    });
    let cleanup: (() => void) | null = null;
    async function select(index: number): Promise<void> {
      cleanup?.();
      cleanup = null;
      tabs.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-selected', String(i === index)));
      clear(panel, h('p', { class: 'muted' }, 'Loading…'));
      try {
        await items[index].show();
      } catch (error) {
        clear(panel, h('p', { class: 'error', role: 'alert' }, message(error)));
      }
    }
    async function showImage(host: HTMLElement, i: Instance): Promise<void> {
      const { showXray } = await import('../imaging/xray');
      if (disposed) return;
      cleanup = await showXray(host, i);
      disposers.push(() => cleanup?.());
    }
    await select(0);
  }

  async function showEcg(host: HTMLElement, i: Instance): Promise<void> {
    let record: EcgRecord;
    try {
      // The first 10 s is what the 12-lead layout shows; a long (Holter) recording is not downloaded whole on a slow link.
      record = (await get<EcgRecord>(`/api/ecgs/${encodeURIComponent(i.instanceUid)}?from=0&to=10`)).data;
    } catch (error) {
      clear(host, h('p', { class: 'error', role: 'alert' }, `Could not load the ECG: ${message(error)}`));
      return;
    }
    const chart = ecgChart(record);
    clear(host, chart.element, ecgSummary(record));
    chart.redraw();
  }

  const unsubscribe = caseEvents.subscribe({
    case: (event) => {
      if (event.caseId === caseId) void load();
    },
  });
  void start();
  return {
    dispose() {
      disposed = true;
      unsubscribe();
      disposers.forEach((d) => void d());
    },
  };
}

/** QIDO-RS: the study's series, then each series' instances (PS3.18 §10.6; DICOM JSON, PS3.18 Annex F). */
async function findInstances(studyUid: string): Promise<Instance[]> {
  type Json = Record<string, { Value?: unknown[] }>;
  const value = (item: Json, tag: string) => String(item[tag]?.Value?.[0] ?? '');
  let series: Json[];
  try {
    series = (await request<Json[]>('GET', `/dicomweb/studies/${studyUid}/series`, undefined, dicomJson)).data ?? [];
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
  const lists = await Promise.all(
    series.map(async (s) => {
      const seriesUid = value(s, '0020000E');
      const modality = value(s, '00080060');
      const instances = (await request<Json[]>('GET', `/dicomweb/studies/${studyUid}/series/${seriesUid}/instances`, undefined, dicomJson)).data ?? [];
      return instances.map((i) => ({ studyUid, seriesUid, instanceUid: value(i, '00080018'), sopClassUid: value(i, '00080016'), modality: value(i, '00080060') || modality }));
    }),
  );
  return lists.flat();
}

