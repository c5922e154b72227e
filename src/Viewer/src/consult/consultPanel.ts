// The consult session of a case on /hubs/consult: chat with delivery and read receipts, typing, who is present, full
// history, and resume after a dropped link (Join again with the last sequence seen: the hub answers with exactly
// what was missed). The same connection carries the video call's signalling and the live ECG.
import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { clear, h, time } from '../dom';
import { retryForever } from '../live';
import type { CallSignal, ConsultJoined, ConsultMessage, ConsultPresence, ConsultReceipt, ConsultTyping, EcgLiveBatch, Me } from '../model';

export interface ConsultSession {
  connection: HubConnection;
  caseId: string;
  me: Me;
  present: string[];
  onPresence(listener: (present: string[]) => void): void;
  onSignal(listener: (signal: CallSignal) => void): void;
  onEcg(listener: (batch: EcgLiveBatch) => void): void;
  dispose(): Promise<void>;
}

export function consultPanel(caseId: string, me: Me): { element: HTMLElement; session: Promise<ConsultSession> } {
  const messages = new Map<number, ConsultMessage>();
  const receipts = new Map<string, ConsultReceipt>();
  const typingUsers = new Map<string, number>();
  const presenceListeners: ((present: string[]) => void)[] = [];
  const signalListeners: ((signal: CallSignal) => void)[] = [];
  const ecgListeners: ((batch: EcgLiveBatch) => void)[] = [];
  let present: string[] = [];
  let lastSequence = 0;
  let readThrough = 0;

  const state = h('span', { class: 'consult-state', id: 'consult-state' }, 'connecting…');
  const presence = h('span', { class: 'presence', id: 'presence' });
  const list = h('ol', { class: 'chat', id: 'chat', 'aria-live': 'polite' });
  const typing = h('p', { class: 'typing muted', id: 'typing' });
  const input = h('input', { id: 'chat-input', placeholder: 'Message…', autocomplete: 'off', maxlength: 4000, 'aria-label': 'chat message' });
  const send = h('button', { type: 'submit', id: 'chat-send' }, 'Send');
  const error = h('p', { class: 'error', role: 'alert', id: 'consult-error' });
  const form = h('form', { class: 'chat-form' }, input, send);
  const element = h('section', { class: 'consult card', id: 'consult' }, h('header', null, h('h2', null, 'Consult'), presence, state), list, typing, form, error);

  const connection = new HubConnectionBuilder().withUrl('/hubs/consult').withAutomaticReconnect(retryForever).configureLogging(LogLevel.Warning).build();

  function render(): void {
    const sorted = [...messages.values()].sort((a, b) => a.sequence - b.sequence);
    const others = [...receipts.values()].filter((r) => r.userId !== me.id);
    clear(
      list,
      ...sorted.map((m) => {
        const mine = m.senderId === me.id;
        const readBy = others.filter((r) => r.readThrough >= m.sequence).map((r) => r.userId);
        const deliveredTo = others.filter((r) => r.deliveredThrough >= m.sequence || r.readThrough >= m.sequence).map((r) => r.userId);
        const receipt = !mine ? null : readBy.length ? `✓✓ read by ${readBy.join(', ')}` : deliveredTo.length ? '✓✓ delivered' : '✓ sent';
        return h(
          'li',
          { class: mine ? 'mine' : 'theirs', 'data-sequence': m.sequence },
          h('small', { class: 'meta' }, mine ? 'you' : m.senderId, ' · ', time(m.sentAt)),
          h('span', { class: 'text' }, m.text),
          receipt ? h('small', { class: `receipt ${readBy.length ? 'read' : 'delivered'}` }, receipt) : null,
        );
      }),
    );
    list.scrollTop = list.scrollHeight;
  }

  function renderPresence(): void {
    presence.textContent = present.length ? `here: ${present.map((p) => (p === me.id ? 'you' : p)).join(', ')}` : '';
    presenceListeners.forEach((l) => l(present));
  }

  function renderTyping(): void {
    const now = Date.now();
    const names = [...typingUsers.entries()].filter(([, until]) => until > now).map(([user]) => user);
    typing.textContent = names.length ? `${names.join(', ')} typing…` : '';
  }

  function add(message: ConsultMessage): void {
    if (message.sequence <= 0 || messages.has(message.sequence)) return;
    messages.set(message.sequence, message);
    lastSequence = Math.max(lastSequence, message.sequence);
  }

  /** Delivered on arrival; read when the chat is on screen and the page is visible. */
  async function acknowledge(): Promise<void> {
    if (connection.state !== HubConnectionState.Connected || lastSequence === 0) return;
    const newest = Math.max(...[...messages.values()].filter((m) => m.senderId !== me.id).map((m) => m.sequence), 0);
    if (newest === 0) return;
    try {
      if (document.visibilityState === 'visible' && element.isConnected && newest > readThrough) {
        readThrough = newest;
        await connection.invoke('Read', caseId, newest);
      } else {
        await connection.invoke('Delivered', caseId, newest);
      }
    } catch {
      // the receipt is sent again with the next message or on resume
    }
  }

  /**
   * Presence pushed while a Join is under way may be newer than the Join's answer (the hub sends the answer only
   * after reading history and receipts, and another participant's join can be pushed meanwhile): it is replayed on
   * top of the answer's list rather than overwritten by it.
   */
  let presenceDuringJoin: ConsultPresence[] | null = null;

  function applyPresence(p: ConsultPresence): void {
    const set = new Set(present);
    if (p.change === 'joined') p.present.concat(p.userId).forEach((u) => set.add(u));
    else if (p.userId !== me.id && !p.present.includes(p.userId)) set.delete(p.userId);
    present = [...set].sort();
  }

  async function join(): Promise<void> {
    presenceDuringJoin = [];
    let joined: ConsultJoined;
    try {
      joined = await connection.invoke<ConsultJoined>('Join', caseId, lastSequence);
    } catch (e) {
      presenceDuringJoin = null;
      throw e;
    }
    joined.messages.forEach(add);
    let more = joined.hasMore;
    while (more) {
      const page = await connection.invoke<ConsultMessage[]>('History', caseId, lastSequence);
      page.forEach(add);
      more = page.length > 0;
    }
    joined.receipts.forEach((r) => receipts.set(r.userId, r));
    present = joined.present;
    (presenceDuringJoin ?? []).forEach(applyPresence);
    presenceDuringJoin = null;
    state.textContent = 'connected';
    state.dataset.state = 'connected';
    error.textContent = '';
    renderPresence();
    render();
    await acknowledge();
  }

  connection.on('Message', async (message: ConsultMessage) => {
    if (message.caseId !== caseId) return;
    const gap = message.sequence > lastSequence + 1;
    add(message);
    if (gap) {
      // Pushes of two senders may overtake each other: fill the hole from the history.
      (await connection.invoke<ConsultMessage[]>('History', caseId, 0).catch(() => [])).forEach(add);
    }
    typingUsers.delete(message.senderId);
    renderTyping();
    render();
    void acknowledge();
  });
  connection.on('Receipt', (receipt: ConsultReceipt) => {
    if (receipt.caseId !== caseId) return;
    receipts.set(receipt.userId, receipt);
    render();
  });
  connection.on('Presence', (p: ConsultPresence) => {
    if (p.caseId !== caseId) return;
    if (presenceDuringJoin) {
      presenceDuringJoin.push(p);
      return;
    }
    present = p.present;
    renderPresence();
  });
  connection.on('Typing', (t: ConsultTyping) => {
    if (t.caseId !== caseId || t.userId === me.id) return;
    if (t.typing) typingUsers.set(t.userId, Date.now() + 6000);
    else typingUsers.delete(t.userId);
    renderTyping();
  });
  connection.on('Invited', () => undefined);
  connection.on('Signal', (signal: CallSignal) => signal.caseId === caseId && signalListeners.forEach((l) => l(signal)));
  connection.on('EcgSamples', (batch: EcgLiveBatch) => batch.caseId === caseId && ecgListeners.forEach((l) => l(batch)));
  connection.onreconnecting(() => {
    state.textContent = 'reconnecting…';
    state.dataset.state = 'reconnecting';
  });
  connection.onreconnected(() => void join().catch((e) => (error.textContent = String(e?.message ?? e))));

  let typingSent = 0;
  input.addEventListener('input', () => {
    if (connection.state !== HubConnectionState.Connected) return;
    const now = Date.now();
    if (now - typingSent > 3000) {
      typingSent = now;
      void connection.invoke('Typing', caseId, true).catch(() => undefined);
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send.disabled = true;
    try {
      add(await connection.invoke<ConsultMessage>('Send', caseId, text));
      input.value = '';
      typingSent = 0;
      void connection.invoke('Typing', caseId, false).catch(() => undefined);
      render();
    } catch (e) {
      error.textContent = `Not sent: ${hubMessage(e)}`;
    } finally {
      send.disabled = false;
      input.focus();
    }
  });
  const visibility = () => void acknowledge();
  document.addEventListener('visibilitychange', visibility);
  const typingTimer = setInterval(renderTyping, 2000);

  const session = (async (): Promise<ConsultSession> => {
    try {
      await connection.start();
      await join();
    } catch (e) {
      state.textContent = 'not joined';
      error.textContent = hubMessage(e);
      input.disabled = true;
      send.disabled = true;
    }
    return {
      connection,
      caseId,
      me,
      get present() {
        return present;
      },
      onPresence: (l) => presenceListeners.push(l),
      onSignal: (l) => signalListeners.push(l),
      onEcg: (l) => ecgListeners.push(l),
      dispose: async () => {
        document.removeEventListener('visibilitychange', visibility);
        clearInterval(typingTimer);
        await connection.stop().catch(() => undefined);
      },
    };
  })();
  return { element, session };
}

/** A HubException's own sentence, without SignalR's "An unexpected error occurred invoking 'X' on the server. HubException:" prefix. */
export function hubMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const match = text.match(/HubException: (.*)$/s);
  return match ? match[1] : text;
}
