// A live ECG shared into the consult (hub methods WatchEcg/UnwatchEcg, pushes EcgSamples): a sweeping trace at
// 25 mm/s, 10 mm/mV as on a bedside monitor, with the streaming analysis's beats and heart rate.
import { h } from '../dom';
import { drawGrid, drawTrace, mmPerSecond, type Paper } from '../ecg/paper';
import { hubMessage, type ConsultSession } from './consultPanel';

const shownLeads = 3;
const seconds = 6;

export function liveEcgPanel(session: ConsultSession): HTMLElement {
  const canvas = h('canvas', { class: 'live-ecg', id: 'live-ecg', hidden: true });
  const hr = h('strong', { id: 'live-hr' }, '');
  const status = h('span', { class: 'muted', id: 'live-ecg-state' }, '');
  const watch = h('button', { type: 'button', id: 'live-ecg-watch', class: 'secondary' }, 'Watch live ECG');
  const element = h('section', { class: 'live card', id: 'live' }, h('header', null, h('h2', null, 'Live ECG'), hr, status), watch, canvas);

  let watching = false;
  let leads: string[] = [];
  let rate = 500;
  let buffers: Float32Array[] = [];
  let write = 0;
  let received = 0;
  let frame = 0;

  watch.addEventListener('click', async () => {
    try {
      if (watching) {
        await session.connection.invoke('UnwatchEcg', session.caseId);
        watching = false;
        watch.textContent = 'Watch live ECG';
        status.textContent = 'stopped';
      } else {
        await session.connection.invoke('WatchEcg', session.caseId);
        watching = true;
        watch.textContent = 'Stop';
        status.textContent = 'waiting for the device…';
        canvas.hidden = false;
      }
    } catch (e) {
      status.textContent = `live ECG not available: ${hubMessage(e)}`;
    }
  });

  session.onEcg((batch) => {
    if (!watching) return;
    if (batch.leads.join() !== leads.join() || batch.samplingRate !== rate || buffers.length === 0) {
      leads = batch.leads;
      rate = batch.samplingRate;
      buffers = leads.slice(0, shownLeads).map(() => new Float32Array(rate * seconds).fill(Number.NaN));
      write = 0;
    }
    const count = batch.samples[0]?.length ?? 0;
    for (let i = 0; i < count; i++) {
      buffers.forEach((buffer, lead) => (buffer[write] = batch.samples[lead][i]));
      write = (write + 1) % (rate * seconds);
      // Blank a short gap ahead of the sweep, as monitors do, so old and new are told apart.
      buffers.forEach((buffer) => (buffer[(write + Math.round(rate * 0.1)) % buffer.length] = Number.NaN));
    }
    received += count;
    if (batch.heartRate != null) hr.textContent = `${Math.round(batch.heartRate)} bpm`;
    status.textContent = `${leads.slice(0, shownLeads).join(' ')} · ${(received / rate).toFixed(0)} s received`;
    canvas.dataset.samples = String(received);
    frame ||= requestAnimationFrame(draw);
  });

  function draw(): void {
    frame = 0;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = Math.max(280, element.clientWidth - 24);
    const px = (cssWidth * dpr) / (seconds * mmPerSecond + 2);
    const rowHeight = 25 * px;
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = Math.round(rowHeight * buffers.length + px);
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${canvas.height / dpr}px`;
    const paper: Paper = { ctx: canvas.getContext('2d')!, px };
    drawGrid(paper, 0, 0, canvas.width, canvas.height);
    buffers.forEach((buffer, lead) => {
      const baseline = lead * rowHeight + rowHeight * 0.6;
      drawTrace(paper, buffer, rate, 0, buffer.length, px, baseline, '#0a5');
      paper.ctx.fillStyle = '#000';
      paper.ctx.font = `${Math.max(10, 3 * px)}px system-ui, sans-serif`;
      paper.ctx.fillText(leads[lead], 2 * px, lead * rowHeight + 4 * px);
    });
  }

  return element;
}
