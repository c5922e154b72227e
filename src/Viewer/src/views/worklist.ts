// A reader's worklist: their open cases (GET /api/worklist for which, GET /api/cases?mine=true for status and
// question), kept live by /hubs/events — a case routed to them appears without a reload, Stat first and red, with
// an optional sound; each row counts down to its SLA. Accept and reassign act on the row.
import { get, message, post } from '../api';
import { clear, countdown, h, time } from '../dom';
import { caseEvents } from '../live';
import { navigate, type View } from '../main';
import type { AlertEvent, CaseList, CaseStatus, CaseSummary, Me, Priority, WorklistEntry } from '../model';
import { setSoundEnabled, soundEnabled, statAlert } from '../sound';

interface Row {
  caseId: string;
  kind: string;
  priority: Priority;
  status: CaseStatus;
  patientId: string | null;
  question: string | null;
  slaDueAt: string;
  assignedAt: string | null;
}

const priorityOrder: Record<Priority, number> = { Stat: 0, Urgent: 1, Routine: 2 };

export function showWorklist(main: HTMLElement, me: Me): View {
  const rows = new Map<string, Row>();
  const body = h('tbody');
  const notice = h('p', { class: 'error', role: 'alert', id: 'worklist-error' });
  const alerts = h('ul', { class: 'alerts', id: 'alerts', 'aria-live': 'assertive' });
  const sound = h('input', { type: 'checkbox', id: 'stat-sound', checked: soundEnabled() });
  sound.addEventListener('change', () => setSoundEnabled(sound.checked));
  clear(
    main,
    h(
      'div',
      { class: 'toolbar' },
      h('h1', null, 'My worklist'),
      h('label', { class: 'inline' }, sound, ' Sound for Stat cases'),
    ),
    alerts,
    notice,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'worklist', id: 'worklist' },
        h('thead', null, h('tr', null, ...['Priority', 'Patient', 'Kind', 'Question', 'Status', 'SLA', ''].map((t) => h('th', null, t)))),
        body,
      ),
    ),
  );

  let reloading: Promise<void> | null = null;
  let again = false;
  async function reload(): Promise<void> {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      do {
        again = false;
        try {
          const [worklist, mine] = await Promise.all([
            get<WorklistEntry[]>('/api/worklist'),
            get<CaseList>('/api/cases?mine=true&limit=200&status=Assigned&status=InProgress&status=Preliminary'),
          ]);
          const details = new Map<string, CaseSummary>(mine.data.cases.map((c) => [c.caseId, c]));
          const fresh = new Map<string, Row>();
          for (const entry of worklist.data) {
            const detail = details.get(entry.caseId);
            const known = rows.get(entry.caseId);
            fresh.set(entry.caseId, {
              caseId: entry.caseId,
              kind: entry.kind,
              priority: entry.priority,
              status: detail?.status ?? known?.status ?? 'Assigned',
              patientId: entry.patientId ?? detail?.patientId ?? null,
              question: detail?.clinicalQuestion ?? known?.question ?? null,
              slaDueAt: entry.slaDueAt,
              assignedAt: entry.assignedAt,
            });
          }
          rows.clear();
          fresh.forEach((row, id) => rows.set(id, row));
          notice.textContent = '';
          render();
        } catch (error) {
          notice.textContent = `Could not load the worklist: ${message(error)}`;
        }
      } while (again);
    })().finally(() => (reloading = null));
    return reloading;
  }

  function render(): void {
    const sorted = [...rows.values()].sort(
      (a, b) => priorityOrder[a.priority] - priorityOrder[b.priority] || Date.parse(a.slaDueAt) - Date.parse(b.slaDueAt),
    );
    clear(body, ...(sorted.length ? sorted.map(renderRow) : [h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'No open cases. New ones appear here as they arrive.'))]));
    document.title = `${sorted.some((r) => r.priority === 'Stat') ? '🔴 STAT · ' : ''}(${sorted.length}) Worklist · Telemed`;
    tick();
  }

  function renderRow(row: Row): HTMLTableRowElement {
    const actions = h('td', { class: 'actions' });
    if (row.status === 'Assigned') {
      actions.append(
        h('button', { type: 'button', class: 'accept', onclick: () => void act(row, 'accept') }, 'Accept'),
        h('button', { type: 'button', class: 'secondary reassign', onclick: () => reassignForm(row, actions) }, 'Reassign'),
      );
    } else {
      actions.append(h('a', { href: `/cases/${row.caseId}`, 'data-link': true, class: 'button' }, 'Open'));
    }
    return h(
      'tr',
      { class: `case ${row.priority.toLowerCase()}`, 'data-case': row.caseId, 'data-status': row.status },
      h('td', null, h('span', { class: `badge ${row.priority.toLowerCase()}` }, row.priority)),
      h('td', { class: 'patient' }, h('a', { href: `/cases/${row.caseId}`, 'data-link': true }, row.patientId ?? '(no patient id)')),
      h('td', null, row.kind),
      h('td', { class: 'question' }, row.question ?? ''),
      h('td', { class: 'status' }, row.status === 'InProgress' ? 'reading' : row.status.toLowerCase()),
      h('td', { class: 'sla', 'data-due': row.slaDueAt, title: `due ${time(row.slaDueAt)}` }),
      actions,
    );
  }

  async function act(row: Row, action: 'accept'): Promise<void> {
    try {
      await post(`/api/cases/${row.caseId}/${action}`);
      navigate(`/cases/${row.caseId}`);
    } catch (error) {
      notice.textContent = `Could not ${action} the case: ${message(error)}`;
      void reload();
    }
  }

  function reassignForm(row: Row, cell: HTMLElement): void {
    const reason = h('input', { placeholder: 'Why (required)', class: 'reason', 'aria-label': 'reason for reassigning' });
    const form = h(
      'form',
      { class: 'inline-form' },
      reason,
      h('button', { type: 'submit' }, 'Reassign'),
      h('button', { type: 'button', class: 'secondary', onclick: () => render() }, 'Cancel'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!reason.value.trim()) {
        reason.focus();
        return;
      }
      try {
        await post(`/api/cases/${row.caseId}/reassign`, { reason: reason.value.trim() });
        rows.delete(row.caseId);
        render();
      } catch (error) {
        notice.textContent = `Could not reassign: ${message(error)}`;
      }
    });
    clear(cell, form);
    reason.focus();
  }

  function tick(): void {
    for (const cell of body.querySelectorAll<HTMLElement>('td.sla')) {
      const left = countdown(new Date(cell.dataset.due!));
      cell.textContent = left.text;
      cell.classList.toggle('overdue', left.overdue);
      cell.classList.toggle('soon', left.soon && !left.overdue);
    }
  }

  function alert(event: AlertEvent): void {
    const item = h('li', { class: event.urgent ? 'urgent' : '' }, h('strong', null, event.kind), ' ', event.message, ' ',
      h('a', { href: `/cases/${event.caseId}`, 'data-link': true }, 'open'),
      h('button', { type: 'button', class: 'link', onclick: () => item.remove(), 'aria-label': 'dismiss' }, '×'));
    alerts.prepend(item);
    while (alerts.children.length > 5) alerts.lastElementChild?.remove();
    if (event.urgent) statAlert();
  }

  const unsubscribe = caseEvents.subscribe({
    case: (event) => {
      const row = rows.get(event.caseId);
      if (event.assignedReaderId === me.id || row) {
        if (row && event.assignedReaderId === me.id) {
          row.status = event.status;
          row.priority = event.priority;
          row.slaDueAt = event.slaDueAt;
          render();
        }
        void reload();
      }
    },
    worklist: (event) => {
      if (event.readerId === me.id) void reload();
    },
    alert,
    reload: () => void reload(),
  });
  const timer = setInterval(tick, 1000);
  void reload();
  return {
    dispose() {
      unsubscribe();
      clearInterval(timer);
    },
  };
}
