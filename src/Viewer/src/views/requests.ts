// Township and village staff: the cases their institution asked for, newest first, with the status changing live
// (assigned → reading → preliminary → signed) from /hubs/events. Admins and auditors see their community's cases
// the same way (without patient data, as the API gives them).
import { get, message, post } from '../api';
import { clear, h, time } from '../dom';
import { caseEvents } from '../live';
import { navigate, type View } from '../main';
import { isStaff, statusLabel, type CaseList, type CaseSummary, type Me } from '../model';

export function showRequests(main: HTMLElement, me: Me): View {
  const cases = new Map<string, CaseSummary>();
  const body = h('tbody');
  const notice = h('p', { class: 'error', role: 'alert', id: 'requests-error' });
  const total = h('span', { class: 'muted' });
  clear(
    main,
    h('div', { class: 'toolbar' }, h('h1', null, isStaff(me) ? 'Our requests' : 'Cases'), total),
    isStaff(me) ? newRequestForm(me, notice) : null,
    notice,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'requests', id: 'requests' },
        h('thead', null, h('tr', null, ...['Opened', 'Patient', 'Kind', 'Priority', 'Question', 'Status', 'Reader'].map((t) => h('th', null, t)))),
        body,
      ),
    ),
  );

  async function reload(): Promise<void> {
    try {
      const list = await get<CaseList>('/api/cases?limit=100');
      cases.clear();
      for (const c of list.data.cases) cases.set(c.caseId, c);
      total.textContent = `${list.data.total} in all`;
      notice.textContent = '';
      render();
    } catch (error) {
      notice.textContent = `Could not load the cases: ${message(error)}`;
    }
  }

  function render(): void {
    const sorted = [...cases.values()].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
    clear(
      body,
      ...(sorted.length
        ? sorted.map((c) =>
            h(
              'tr',
              { class: `case ${c.priority.toLowerCase()}`, 'data-case': c.caseId, 'data-status': c.status },
              h('td', null, time(c.openedAt)),
              h('td', { class: 'patient' }, h('a', { href: `/cases/${c.caseId}`, 'data-link': true }, c.patientId ?? 'case')),
              h('td', null, c.kind),
              h('td', null, h('span', { class: `badge ${c.priority.toLowerCase()}` }, c.priority)),
              h('td', { class: 'question' }, c.clinicalQuestion ?? ''),
              h('td', { class: `status s-${c.status.toLowerCase()}` }, statusLabel(c.status)),
              h('td', null, c.assignedReaderId ?? '–'),
            ),
          )
        : [h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'No requests yet.'))]),
    );
  }

  const unsubscribe = caseEvents.subscribe({
    case: (event) => {
      const known = cases.get(event.caseId);
      if (!known) {
        void reload();
        return;
      }
      cases.set(event.caseId, {
        ...known,
        status: event.status,
        priority: event.priority,
        assignedReaderId: event.assignedReaderId,
        slaDueAt: event.slaDueAt,
        slaBreached: event.slaBreached,
        updatedAt: event.at,
      });
      render();
    },
    reload: () => void reload(),
  });
  void reload();
  return { dispose: unsubscribe };
}

/** A read or consultation request for the caller's institution (POST /api/cases). */
function newRequestForm(_me: Me, notice: HTMLElement): HTMLElement {
  const patient = h('input', { id: 'new-patient', required: true, placeholder: 'Patient id' });
  const kind = h('select', { id: 'new-kind' }, h('option', { value: 'EcgRead' }, 'ECG read'), h('option', { value: 'ImagingRead' }, 'Imaging read'), h('option', { value: 'Consultation' }, 'Consultation'));
  const priority = h('select', { id: 'new-priority' }, h('option', { value: 'Routine' }, 'Routine'), h('option', { value: 'Urgent' }, 'Urgent'), h('option', { value: 'Stat' }, 'Stat'));
  const question = h('input', { id: 'new-question', required: true, placeholder: 'Clinical question' });
  const form = h(
    'form',
    { class: 'new-request card' },
    h('strong', null, 'New request'),
    patient,
    kind,
    priority,
    question,
    h('button', { type: 'submit' }, 'Send'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const created = await post<{ caseId: string }>('/api/cases', {
        patientId: patient.value.trim(),
        kind: kind.value,
        priority: priority.value,
        question: question.value.trim(),
      });
      navigate(`/cases/${created.data.caseId}`);
    } catch (error) {
      notice.textContent = `Could not send the request: ${message(error)}`;
    }
  });
  return h('details', { class: 'new' }, h('summary', null, 'New request…'), form);
}
