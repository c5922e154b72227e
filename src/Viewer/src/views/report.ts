// The report of a case: the assigned reader drafts (PUT, saved as preliminary), signs (POST sign) and amends
// (POST amend with a reason), always against the report's ETag (If-Match), so two tabs or two readers cannot
// overwrite each other silently (412 → "someone else changed this"). Everyone else who may read the case sees the
// current signed version, or the preliminary draft marked as such.
import { get, message, post, put } from '../api';
import { clear, h, time } from '../dom';
import type { CaseView, Me, ReportContent, ReportResource } from '../model';

export function reportEditor(view: CaseView, me: Me, changed: () => void): { element: HTMLElement; reload(next?: CaseView): Promise<void> } {
  const element = h('section', { class: 'report card', id: 'report' });
  const notice = h('p', { class: 'error', role: 'alert', id: 'report-error' });
  let etag = '';
  let caseView = view;

  async function reload(next?: CaseView): Promise<void> {
    if (next) caseView = next;
    try {
      const reply = await get<ReportResource>(`/api/cases/${caseView.caseId}/report`);
      etag = reply.etag ?? reply.data.eTag;
      render(reply.data);
    } catch (error) {
      clear(element, h('h2', null, 'Report'), h('p', { class: 'error' }, `Could not load the report: ${message(error)}`));
    }
  }

  function render(report: ReportResource): void {
    const mayEdit = caseView.assignedReaderId === me.id;
    const signed = report.current;
    const header = h('header', null, h('h2', null, 'Report'), h('span', { class: `status s-${report.caseStatus.toLowerCase()}`, id: 'report-status' }, signed ? `signed v${signed.number}` : report.draft ? 'preliminary' : 'no report yet'));
    if (!mayEdit) {
      const content = signed?.content ?? report.draft;
      clear(
        element,
        header,
        content ? readOnly(content) : h('p', { class: 'muted' }, 'No report yet.'),
        signed ? h('p', { class: 'signature', id: 'signature' }, `Signed by ${signed.signedBy}, ${time(signed.signedAt)}`, signed.amendmentReason ? ` — amended: ${signed.amendmentReason}` : '') : null,
        report.draft && !signed ? h('p', { class: 'draft-note' }, 'Preliminary: not signed yet.') : null,
        content ? h('a', { href: `/api/cases/${caseView.caseId}/report.html`, target: '_blank', rel: 'noopener' }, 'Printable report') : null,
      );
      return;
    }

    if (caseView.status === 'Assigned') {
      clear(element, header, h('p', null, 'Accept the case to start the report.'), acceptButton());
      return;
    }

    const base: ReportContent | null = signed?.content ?? report.draft;
    const fields = (base?.fields ?? []).map((f) => ({ name: f.name, input: h('input', { name: f.name, value: f.value, 'aria-label': f.name }) }));
    const findings = h('textarea', { id: 'findings', rows: 5, 'aria-label': 'findings' }, base?.findings ?? '');
    const impression = h('textarea', { id: 'impression', rows: 3, 'aria-label': 'impression' }, base?.impression ?? '');
    const reason = h('input', { id: 'amend-reason', placeholder: 'Reason for the amendment (required)' });
    const body = () => ({
      fields: Object.fromEntries(fields.map((f) => [f.name, f.input.value])),
      findings: findings.value,
      impression: impression.value,
    });
    const busy = (on: boolean) => element.querySelectorAll('button').forEach((b) => (b.disabled = on));
    const run = async (action: () => Promise<void>) => {
      busy(true);
      notice.textContent = '';
      try {
        await action();
        changed();
      } catch (error) {
        notice.textContent = message(error);
      } finally {
        busy(false);
      }
    };
    const save = async () => {
      const reply = await put<ReportResource>(`/api/cases/${caseView.caseId}/report`, body(), { 'If-Match': etag });
      etag = reply.etag ?? reply.data.eTag;
      return reply.data;
    };

    const buttons = signed
      ? [
          reason,
          h('button', {
            type: 'button', id: 'amend', onclick: () => void run(async () => {
              if (!reason.value.trim()) throw new Error('An amendment needs a reason.');
              const reply = await post<ReportResource>(`/api/cases/${caseView.caseId}/report/amend`, { ...body(), reason: reason.value.trim() }, { 'If-Match': etag });
              etag = reply.etag ?? reply.data.eTag;
              render(reply.data);
            }),
          }, 'Sign amendment'),
        ]
      : [
          h('button', { type: 'button', class: 'secondary', id: 'save-draft', onclick: () => void run(async () => render(await save())) }, 'Save preliminary'),
          h('button', {
            type: 'button', id: 'sign', onclick: () => void run(async () => {
              if (!impression.value.trim()) throw new Error('Write an impression before signing.');
              await save();
              const reply = await post<ReportResource>(`/api/cases/${caseView.caseId}/report/sign`, {}, { 'If-Match': etag });
              etag = reply.etag ?? reply.data.eTag;
              render(reply.data);
            }),
          }, 'Sign'),
        ];
    clear(
      element,
      header,
      fields.length ? h('div', { class: 'fields' }, ...fields.flatMap((f) => [h('label', null, f.name, f.input)])) : null,
      h('label', { for: 'findings' }, 'Findings'),
      findings,
      h('label', { for: 'impression' }, 'Impression'),
      impression,
      signed ? h('p', { class: 'signature', id: 'signature' }, `Signed v${signed.number} by ${signed.signedBy}, ${time(signed.signedAt)}`) : null,
      h('div', { class: 'buttons' }, ...buttons),
      notice,
    );
  }

  function acceptButton(): HTMLElement {
    return h('button', {
      type: 'button', id: 'accept', onclick: async () => {
        try {
          await post(`/api/cases/${caseView.caseId}/accept`);
          changed();
        } catch (error) {
          notice.textContent = message(error);
        }
      },
    }, 'Accept case');
  }

  void reload();
  return { element, reload };
}

function readOnly(content: ReportContent): HTMLElement {
  return h(
    'div',
    { class: 'report-view' },
    content.fields.some((f) => f.value) ? h('dl', null, ...content.fields.filter((f) => f.value).flatMap((f) => [h('dt', null, f.name), h('dd', null, f.value)])) : null,
    h('h3', null, 'Findings'),
    h('p', { class: 'findings' }, content.findings || '–'),
    h('h3', null, 'Impression'),
    h('p', { class: 'impression', id: 'impression-text' }, content.impression || '–'),
  );
}
