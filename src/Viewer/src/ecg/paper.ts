// ECG paper as cardiologists read it: 25 mm/s and 10 mm/mV (IEC 60601-2-25's standard speeds and gain), a thin
// line every 1 mm and a bold one every 5 mm (0.2 s, 0.5 mV).

export const mmPerSecond = 25;
export const mmPerMillivolt = 10;

export interface Paper {
  /** Canvas pixels per millimetre of paper. */
  px: number;
  ctx: CanvasRenderingContext2D;
}

export function drawGrid(paper: Paper, x: number, y: number, width: number, height: number): void {
  const { ctx, px } = paper;
  ctx.save();
  ctx.fillStyle = '#fffafa';
  ctx.fillRect(x, y, width, height);
  const columns = Math.floor(width / px);
  const rows = Math.floor(height / px);
  for (const bold of [false, true]) {
    ctx.beginPath();
    ctx.strokeStyle = bold ? '#f0a0a0' : '#fbdcdc';
    ctx.lineWidth = bold ? Math.max(1, px / 4) : 1;
    for (let i = 0; i <= columns; i++) {
      if ((i % 5 === 0) !== bold) continue;
      const gx = Math.round(x + i * px) + 0.5;
      ctx.moveTo(gx, y);
      ctx.lineTo(gx, y + height);
    }
    for (let j = 0; j <= rows; j++) {
      if ((j % 5 === 0) !== bold) continue;
      const gy = Math.round(y + j * px) + 0.5;
      ctx.moveTo(x, gy);
      ctx.lineTo(x + width, gy);
    }
    ctx.stroke();
  }
  ctx.restore();
}

/** The 1 mV, 200 ms calibration pulse at the start of a strip (10 mm high, 5 mm wide). */
export function drawCalibration(paper: Paper, x: number, baseline: number): number {
  const { ctx, px } = paper;
  ctx.save();
  ctx.strokeStyle = '#000';
  ctx.lineWidth = Math.max(1, px / 3);
  ctx.beginPath();
  ctx.moveTo(x, baseline);
  ctx.lineTo(x + px, baseline);
  ctx.lineTo(x + px, baseline - mmPerMillivolt * px);
  ctx.lineTo(x + 4 * px, baseline - mmPerMillivolt * px);
  ctx.lineTo(x + 4 * px, baseline);
  ctx.lineTo(x + 5 * px, baseline);
  ctx.stroke();
  ctx.restore();
  return 5 * px;
}

/** Draws samples (µV) from index `from` for `count` samples starting at x, baseline y. */
export function drawTrace(paper: Paper, samples: ArrayLike<number>, samplingRate: number, from: number, count: number, x: number, baseline: number, color = '#000'): void {
  const { ctx, px } = paper;
  const dx = (mmPerSecond * px) / samplingRate;
  const gain = (mmPerMillivolt * px) / 1000;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = Math.max(1.2, px / 3);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let started = false;
  const end = Math.min(samples.length, from + count);
  for (let i = Math.max(0, from); i < end; i++) {
    const value = samples[i];
    const sx = x + (i - from) * dx;
    const sy = baseline - value * gain;
    if (!Number.isFinite(value)) {
      started = false;
      continue;
    }
    if (started) ctx.lineTo(sx, sy);
    else ctx.moveTo(sx, sy);
    started = true;
  }
  ctx.stroke();
  ctx.restore();
}
