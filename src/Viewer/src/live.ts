// /hubs/events: case, alert and worklist pushes. The browser sends the session cookie on the WebSocket (same origin);
// after a reconnect the client asks Missed(epoch, sequence) for what it did not see, and reloads its lists when the
// feed cannot tell (Complete false). Listeners register per view and are dropped when the view is left.
import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import type { AlertEvent, CaseEvent, MissedEvents, WorklistEvent } from './model';

export interface LiveListener {
  case?(event: CaseEvent): void;
  alert?(event: AlertEvent): void;
  worklist?(event: WorklistEvent): void;
  /** The hub could not say what was missed: reload from REST. */
  reload?(): void;
  state?(state: 'live' | 'reconnecting' | 'offline'): void;
}

/** Retries forever, backing off to 10 s: a township link may be down for minutes. */
export const retryForever = { nextRetryDelayInMilliseconds: (retry: { previousRetryCount: number }) => Math.min(10_000, 500 * 2 ** retry.previousRetryCount) };

class CaseEventStream {
  private connection: HubConnection | null = null;
  private readonly listeners = new Set<LiveListener>();
  private epoch: string | null = null;
  private sequence = 0;
  /** Signed in and wanting events: retries stop after sign-out. */
  private wanted = false;
  state: 'live' | 'reconnecting' | 'offline' = 'offline';

  async start(): Promise<void> {
    this.wanted = true;
    if (this.connection) return;
    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/events')
      .withAutomaticReconnect(retryForever)
      .configureLogging(LogLevel.Warning)
      .build();
    this.connection = connection;
    connection.on('Case', (e: CaseEvent) => this.position(e) && this.emit((l) => l.case?.(e)));
    connection.on('Alert', (e: AlertEvent) => this.position(e) && this.emit((l) => l.alert?.(e)));
    connection.on('Worklist', (e: WorklistEvent) => this.position(e) && this.emit((l) => l.worklist?.(e)));
    connection.onreconnecting(() => this.setState('reconnecting'));
    connection.onreconnected(() => void this.resume());
    connection.onclose(() => {
      this.setState('offline');
      this.connection = null;
      // A close after all retries (or the server going away): try again later, quietly.
      this.retryLater();
    });
    try {
      await connection.start();
      this.setState('live');
      // Whatever changed between the page's REST load and this connection is fetched again once.
      this.emit((l) => l.reload?.());
    } catch (error) {
      this.connection = null;
      this.setState('offline');
      this.retryLater();
      throw error;
    }
  }

  private retryLater(): void {
    setTimeout(() => {
      if (this.wanted && !this.connection) void this.start().catch(() => undefined);
    }, 5000);
  }

  async stop(): Promise<void> {
    this.wanted = false;
    const connection = this.connection;
    this.connection = null;
    this.epoch = null;
    this.sequence = 0;
    if (connection) {
      connection.onclose(() => undefined);
      await connection.stop();
    }
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    listener.state?.(this.state);
    return () => this.listeners.delete(listener);
  }

  /** True when the event is new (not one already seen through Missed). */
  private position(e: { sequence: number; epoch: string }): boolean {
    if (this.epoch === e.epoch && e.sequence <= this.sequence) return false;
    if (this.epoch !== e.epoch || e.sequence > this.sequence) {
      this.epoch = e.epoch;
      this.sequence = e.sequence;
    }
    return true;
  }

  private async resume(): Promise<void> {
    this.setState('live');
    const connection = this.connection;
    if (!connection || connection.state !== HubConnectionState.Connected) return;
    if (!this.epoch) {
      this.emit((l) => l.reload?.());
      return;
    }
    try {
      const missed = await connection.invoke<MissedEvents>('Missed', this.epoch, this.sequence);
      const all = [
        ...missed.cases.map((e) => ({ e, fire: (l: LiveListener) => l.case?.(e) })),
        ...missed.alerts.map((e) => ({ e, fire: (l: LiveListener) => l.alert?.(e) })),
        ...missed.worklists.map((e) => ({ e, fire: (l: LiveListener) => l.worklist?.(e) })),
      ].sort((a, b) => a.e.sequence - b.e.sequence);
      for (const { e, fire } of all) {
        if (this.position(e)) this.emit(fire);
      }
      this.epoch = missed.epoch;
      this.sequence = Math.max(this.sequence, missed.lastSequence);
      if (!missed.complete) this.emit((l) => l.reload?.());
    } catch {
      this.emit((l) => l.reload?.());
    }
  }

  private setState(state: 'live' | 'reconnecting' | 'offline') {
    this.state = state;
    this.emit((l) => l.state?.(state));
  }

  private emit(fire: (listener: LiveListener) => void) {
    for (const listener of [...this.listeners]) {
      try {
        fire(listener);
      } catch (error) {
        console.error(error);
      }
    }
  }
}

export const caseEvents = new CaseEventStream();
