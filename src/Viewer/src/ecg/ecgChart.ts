// The resting 12-lead ECG (GET /api/ecgs/{sopInstanceUid}) on a canvas in the layout every cardiologist knows: three
// rows of four leads, 2.5 s each (I aVR V1 V4 / II aVL V2 V5 / III aVF V3 V6), and a 10 s rhythm strip of lead II,
// each row with its calibration pulse. Detected beats are marked on the rhythm strip; a flag's evidence (lead and
// sample range) is shaded where it lies. Records with other leads (2- or 3-lead Holter, monitors) get one
// full-length strip per lead. The canvas's data-layout attribute names where each lead was drawn (canvas pixels).
import { h } from '../dom';
import type { EcgRecord } from '../model';
import { drawCalibration, drawGrid, drawTrace, mmPerSecond, type Paper } from './paper';

const standardRows = [
  ['I', 'aVR', 'V1', 'V4'],
  ['II', 'aVL', 'V2', 'V5'],
  ['III', 'aVF', 'V3', 'V6'],
];
const rowMm = 30;
const labelMm = 4;

export interface LeadCell {
  lead: string;
  x: number;
  y: number;
  width: number;
  height: number;
  from: number;
  count: number;
}

export function ecgChart(record: EcgRecord): { element: HTMLElement; redraw(): void } {
  const canvas = h('canvas', { class: 'ecg', id: 'ecg-canvas', role: 'img', 'aria-label': `ECG ${record.leads.map((l) => l.name).join(', ')}` });
  const wrap = h('div', { class: 'ecg-wrap' }, canvas);
  const byName = new Map(record.leads.map((l) => [normalise(l.name), l]));
  const twelve = standardRows.flat().every((name) => byName.has(normalise(name)));
  const rows = twelve ? 4 : record.leads.length;
  const offset = record.startSample ?? 0;
  const duration = Math.max(...record.leads.map((l) => l.samples.length)) / record.samplingRate;
  const stripSeconds = Math.min(10, duration);

  function redraw(): void {
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = Math.max(320, wrap.clientWidth || 800);
    const paperMm = 5 + stripSeconds * mmPerSecond + 2;
    const px = (cssWidth * dpr) / paperMm;
    const height = Math.round(rows * rowMm * px + 2 * px);
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = height;
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${height / dpr}px`;
    const ctx = canvas.getContext('2d')!;
    const paper: Paper = { ctx, px };
    drawGrid(paper, 0, 0, canvas.width, canvas.height);
    const cells: LeadCell[] = [];
    const rate = record.samplingRate;
    const originX = px;
    const traceX = originX + 5 * px;
    const ctxFont = `${Math.max(10, 3 * px)}px system-ui, sans-serif`;

    const strip = (row: number, leads: { name: string; seconds: number; offsetSeconds: number }[]) => {
      const top = px + row * rowMm * px;
      const baseline = top + rowMm * px * 0.6;
      drawCalibration(paper, originX, baseline);
      for (const part of leads) {
        const lead = byName.get(normalise(part.name));
        if (!lead) continue;
        const from = Math.round(part.offsetSeconds * rate);
        const count = Math.round(part.seconds * rate);
        const x = traceX + part.offsetSeconds * mmPerSecond * px;
        const width = part.seconds * mmPerSecond * px;
        shadeEvidence(paper, record, lead.name, from + offset, count, x, top, width, rowMm * px);
        drawTrace(paper, lead.samples, rate, from, count, x, baseline);
        ctx.fillStyle = '#000';
        ctx.font = ctxFont;
        ctx.fillText(lead.name, x + labelMm * px * 0.3, top + 4 * px);
        cells.push({ lead: lead.name, x: Math.round(x), y: Math.round(top), width: Math.round(width), height: Math.round(rowMm * px), from, count });
      }
      return { top, baseline };
    };

    if (twelve) {
      const quarter = stripSeconds / 4;
      standardRows.forEach((names, row) => strip(row, names.map((name, i) => ({ name, seconds: quarter, offsetSeconds: i * quarter }))));
      const rhythm = strip(3, [{ name: 'II', seconds: stripSeconds, offsetSeconds: 0 }]);
      markBeats(paper, record, traceX, rhythm.top, stripSeconds, offset);
    } else {
      record.leads.forEach((lead, row) => {
        const placed = strip(row, [{ name: lead.name, seconds: stripSeconds, offsetSeconds: 0 }]);
        if (row === 0) markBeats(paper, record, traceX, placed.top, stripSeconds, offset);
      });
    }

    ctx.fillStyle = '#333';
    ctx.font = ctxFont;
    ctx.textAlign = 'right';
    ctx.fillText('25 mm/s   10 mm/mV', canvas.width - px, canvas.height - px);
    ctx.textAlign = 'left';
    canvas.dataset.layout = JSON.stringify(cells);
    canvas.dataset.leads = cells.map((c) => c.lead).join(',');
    canvas.dataset.beats = String(record.beats.filter((b) => b.sample >= offset && b.sample - offset < stripSeconds * rate).length);
    canvas.dataset.pxPerMm = px.toFixed(3);
  }

  let lastWidth = 0;
  const observer = new ResizeObserver(() => {
    if (wrap.clientWidth !== lastWidth) {
      lastWidth = wrap.clientWidth;
      redraw();
    }
  });
  observer.observe(wrap);
  return { element: wrap, redraw };
}

function markBeats(paper: Paper, record: EcgRecord, x: number, top: number, seconds: number, offset: number): void {
  const { ctx, px } = paper;
  ctx.save();
  ctx.font = `${Math.max(9, 2.5 * px)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  for (const beat of record.beats) {
    const t = (beat.sample - offset) / record.samplingRate;
    if (t < 0) continue;
    if (t > seconds) break;
    const bx = x + t * mmPerSecond * px;
    const abnormal = beat.label !== 'N';
    ctx.fillStyle = abnormal ? '#c00' : '#1565c0';
    ctx.beginPath();
    ctx.moveTo(bx, top + 6 * px);
    ctx.lineTo(bx - px, top + 4.5 * px);
    ctx.lineTo(bx + px, top + 4.5 * px);
    ctx.fill();
    ctx.fillText(beat.label, bx, top + 4 * px);
  }
  ctx.restore();
}

function shadeEvidence(paper: Paper, record: EcgRecord, lead: string, from: number, count: number, x: number, top: number, width: number, height: number): void {
  const { ctx } = paper;
  for (const flag of record.flags) {
    const evidence = flag.evidence;
    if (!evidence?.lead || evidence.startSample == null || normalise(evidence.lead) !== normalise(lead)) continue;
    const start = Math.max(from, evidence.startSample);
    const end = Math.min(from + count, evidence.endSample ?? evidence.startSample + record.samplingRate * 0.2);
    if (end <= start) continue;
    ctx.save();
    ctx.fillStyle = 'rgba(255, 193, 7, 0.35)';
    ctx.fillRect(x + ((start - from) / count) * width, top, ((end - start) / count) * width, height);
    ctx.restore();
  }
}

function normalise(name: string): string {
  return name.trim().toUpperCase().replace(/^LEAD\s*/, '');
}

/** Heart rate, the measurements the analysis made, and its flags, as text beside the trace. */
export function ecgSummary(record: EcgRecord): HTMLElement {
  const entries = Object.entries(record.measurements ?? {});
  const measurements = entries.filter(([, v]) => typeof v === 'number' || (typeof v === 'string' && v !== ''));
  // Per-lead values (ST deviation at J and J+60 ms, µV) as one line each.
  const perLead = entries.filter((e): e is [string, Record<string, number>] => typeof e[1] === 'object' && e[1] !== null && Object.keys(e[1]).length > 0);
  return h(
    'div',
    { class: 'ecg-summary', id: 'ecg-summary' },
    h('p', { class: 'hr' }, h('strong', { id: 'ecg-hr' }, record.heartRate != null ? `${Math.round(record.heartRate)} bpm` : '– bpm'), ` · ${record.beats.length} beats · ${record.leads.length} leads · ${record.samplingRate} Hz`),
    measurements.length
      ? h('dl', { class: 'measurements' }, ...measurements.flatMap(([name, value]) => [h('dt', null, pretty(name)), h('dd', null, typeof value === 'number' ? String(Math.round(value * 10) / 10) : String(value))]))
      : null,
    ...perLead.map(([name, values]) => h('p', { class: 'per-lead' }, h('small', null, `${pretty(name)}: `, Object.entries(values).map(([lead, v]) => `${lead} ${v > 0 ? '+' : ''}${Math.round(v)}`).join(' · ')))),
    record.totalSamples && record.totalSamples > record.leads[0]?.samples.length
      ? h('p', { class: 'muted' }, `Showing ${(record.leads[0].samples.length / record.samplingRate).toFixed(0)} s of ${(record.totalSamples / record.samplingRate).toFixed(0)} s.`)
      : null,
    record.flags.length
      ? h('ul', { class: 'flags', id: 'ecg-flags' }, ...record.flags.map((f) => h('li', { class: 'flag' }, h('strong', null, f.code), ' ', f.text, f.evidence?.lead ? h('small', null, ` (lead ${f.evidence.lead})`) : null)))
      : h('p', { class: 'muted' }, 'No flags from the automatic analysis.'),
  );
}

function pretty(name: string): string {
  return name
    .replace(/Microvolts$/, ' (µV)')
    .replace(/Ms$/, ' (ms)')
    .replace(/Bpm$/, ' (bpm)')
    .replace(/Degrees$/, ' (°)')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase());
}
