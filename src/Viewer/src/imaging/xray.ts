// X-ray display with Cornerstone3D over WADO-RS (/dicomweb, PS3.18): loaded only when a case has images, as its own
// chunk (a few hundred kB the worklist never needs). Window/level by dragging, zoom with the wheel or pinch buttons,
// pan with the right button or Shift-drag, reset. When WebGL or the decoder is not available (old tablets), the
// hub's rendered PNG is shown instead, windowed on the server.
import { Enums, init as coreInit, RenderingEngine, type Types } from '@cornerstonejs/core';
import { init as loaderInit, wadors } from '@cornerstonejs/dicom-image-loader';
import { h } from '../dom';

export interface XrayInstance {
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
}

let initialised: Promise<void> | null = null;

function initialise(): Promise<void> {
  initialised ??= (async () => {
    await coreInit();
    loaderInit({ maxWebWorkers: Math.max(1, Math.min(2, Math.floor((navigator.hardwareConcurrency || 2) / 2))) });
  })();
  return initialised;
}

let engineCount = 0;

export async function showXray(host: HTMLElement, instance: XrayInstance, base = '/dicomweb'): Promise<() => void> {
  const instanceUrl = `${base}/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.instanceUid}`;
  const element = h('div', { class: 'xray-viewport', id: 'xray-viewport', oncontextmenu: (e: Event) => e.preventDefault() });
  const readout = h('span', { class: 'xray-readout', id: 'xray-readout' });
  const overlay = h('div', { class: 'xray-overlay', id: 'xray-overlay' });
  const tools = h(
    'div',
    { class: 'xray-tools' },
    h('button', { type: 'button', class: 'secondary', onclick: () => controls.zoomBy(1.25), 'aria-label': 'zoom in' }, '+'),
    h('button', { type: 'button', class: 'secondary', onclick: () => controls.zoomBy(0.8), 'aria-label': 'zoom out' }, '−'),
    h('button', { type: 'button', class: 'secondary', onclick: () => controls.reset() }, 'Reset'),
    h('button', { type: 'button', class: 'secondary', onclick: () => controls.invert() }, 'Invert'),
    readout,
  );
  host.replaceChildren(tools, h('div', { class: 'xray-frame' }, element, overlay));

  // The toolbar acts on Cornerstone's viewport, or on the server-rendered fallback when that is what is shown.
  const controls = { zoomBy: (factor: number) => zoomBy(factor), reset: () => reset(), invert: () => invert() };
  let viewport: Types.IStackViewport | null = null;
  let engine: RenderingEngine | null = null;
  try {
    await initialise();
    const metadata = await fetchJson(`${instanceUrl}/metadata`);
    overlay.replaceChildren(...describe(Array.isArray(metadata) ? metadata[0] : metadata));
    const imageId = `wadors:${location.origin}${instanceUrl}/frames/1`;
    wadors.metaDataManager.add(imageId, Array.isArray(metadata) ? metadata[0] : metadata);
    engine = new RenderingEngine(`telemed-xray-${++engineCount}`);
    engine.enableElement({ viewportId: 'xray', type: Enums.ViewportType.STACK, element: element as HTMLDivElement });
    viewport = engine.getViewport('xray') as Types.IStackViewport;
    await viewport.setStack([imageId]);
    viewport.render();
    element.dataset.rendered = 'cornerstone';
    showVoi();
  } catch (error) {
    console.warn('cornerstone could not show the image; using the rendered PNG', error);
    engine?.destroy();
    engine = null;
    viewport = null;
    return renderedFallback(element, readout, instanceUrl, String(error instanceof Error ? error.message : error), controls);
  }

  function showVoi(): void {
    const voi = viewport?.getProperties().voiRange;
    if (voi) readout.textContent = `W ${Math.round(voi.upper - voi.lower)} / L ${Math.round((voi.upper + voi.lower) / 2)} · zoom ${viewport!.getZoom().toFixed(2)}×`;
  }

  function zoomBy(factor: number): void {
    if (!viewport) return;
    viewport.setZoom(viewport.getZoom() * factor);
    viewport.render();
    showVoi();
  }

  function reset(): void {
    if (!viewport) return;
    viewport.resetCamera();
    viewport.resetProperties();
    viewport.render();
    showVoi();
  }

  function invert(): void {
    if (!viewport) return;
    viewport.setProperties({ invert: !viewport.getProperties().invert });
    viewport.render();
  }

  // Pointer events cover mouse, pen and touch alike: one finger or the left button windows, right button or Shift pans.
  let last: { x: number; y: number; pan: boolean } | null = null;
  element.addEventListener('pointerdown', (e) => {
    element.setPointerCapture(e.pointerId);
    last = { x: e.clientX, y: e.clientY, pan: e.button === 2 || e.shiftKey };
  });
  element.addEventListener('pointermove', (e) => {
    if (!last || !viewport) return;
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    if (last.pan) {
      const [px, py] = viewport.getPan();
      const scale = viewport.getZoom();
      viewport.setPan([px + dx / scale, py + dy / scale]);
    } else {
      const voi = viewport.getProperties().voiRange;
      if (voi) {
        const width = Math.max(1, voi.upper - voi.lower + dx * 4);
        const center = (voi.upper + voi.lower) / 2 + dy * 4;
        viewport.setProperties({ voiRange: { lower: center - width / 2, upper: center + width / 2 } });
      }
    }
    viewport.render();
    showVoi();
    last = { ...last, x: e.clientX, y: e.clientY };
  });
  const end = () => (last = null);
  element.addEventListener('pointerup', end);
  element.addEventListener('pointercancel', end);
  element.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1);
  }, { passive: false });
  const resize = new ResizeObserver(() => engine?.resize(true, true));
  resize.observe(element);

  return () => {
    resize.disconnect();
    engine?.destroy();
  };
}

type DicomJson = Record<string, { vr?: string; Value?: unknown[] }>;

/** Patient, date and view from the metadata (DICOM JSON, PS3.18 §F.2), with the name in Chinese characters when sent. */
function describe(metadata: unknown): HTMLElement[] {
  const item = (metadata ?? {}) as DicomJson;
  const first = (tag: string) => item[tag]?.Value?.[0];
  const name = first('00100010') as { Alphabetic?: string; Ideographic?: string } | undefined;
  const ideographic = name?.Ideographic?.replace(/\^/g, '');
  const alphabetic = name?.Alphabetic?.replace(/\^/g, ' ').trim();
  const lines = [
    [ideographic, alphabetic && alphabetic !== ideographic ? alphabetic : null].filter(Boolean).join(' '),
    [first('00100020'), first('00100040'), first('00100030')].filter(Boolean).join(' · '),
    [first('00080060'), first('00185101'), first('00080020')].filter(Boolean).join(' · '),
  ].filter((line) => line);
  return lines.map((line) => h('div', null, String(line)));
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { Accept: 'application/dicom+json' }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** The server renders and windows (…/rendered?window=center,width,function); zoom and pan are CSS transforms. */
function renderedFallback(
  element: HTMLElement,
  readout: HTMLElement,
  instanceUrl: string,
  why: string,
  controls: { zoomBy(factor: number): void; reset(): void; invert(): void },
): () => void {
  const image = h('img', { class: 'xray-rendered', alt: 'X-ray (rendered by the hub)', draggable: 'false' });
  let zoom = 1;
  let pan = { x: 0, y: 0 };
  let voi: { center: number; width: number } | null = null;
  const load = () => {
    image.src = `${instanceUrl}/rendered${voi ? `?window=${Math.round(voi.center)},${Math.round(voi.width)},linear` : ''}`;
  };
  let inverted = false;
  const place = () => {
    image.style.transform = `translate(${pan.x}px, ${pan.y}px) scale(${zoom})`;
    image.style.filter = inverted ? 'invert(1)' : '';
  };
  controls.zoomBy = (factor) => {
    zoom = Math.min(10, Math.max(0.2, zoom * factor));
    place();
  };
  controls.reset = () => {
    zoom = 1;
    pan = { x: 0, y: 0 };
    voi = null;
    inverted = false;
    place();
    load();
  };
  controls.invert = () => {
    inverted = !inverted;
    place();
  };
  image.addEventListener('error', () => (readout.textContent = 'The image could not be loaded from the hub.'));
  element.replaceChildren(image);
  element.dataset.rendered = 'png';
  void fetchJson(`${instanceUrl}/metadata`).then((m) => element.parentElement?.querySelector('.xray-overlay')?.replaceChildren(...describe(Array.isArray(m) ? m[0] : m))).catch(() => undefined);
  readout.textContent = `server-rendered (${why})`;
  load();
  let last: { x: number; y: number; pan: boolean } | null = null;
  element.addEventListener('pointerdown', (e) => {
    element.setPointerCapture(e.pointerId);
    last = { x: e.clientX, y: e.clientY, pan: e.button === 2 || e.shiftKey || e.pointerType === 'touch' };
  });
  element.addEventListener('pointermove', (e) => {
    if (!last) return;
    if (last.pan) {
      pan = { x: pan.x + e.clientX - last.x, y: pan.y + e.clientY - last.y };
      place();
    } else {
      voi ??= { center: 2048, width: 4096 };
      voi = { center: voi.center + (e.clientY - last.y) * 8, width: Math.max(1, voi.width + (e.clientX - last.x) * 8) };
      readout.textContent = `W ${Math.round(voi.width)} / L ${Math.round(voi.center)} (server-rendered)`;
    }
    last = { ...last, x: e.clientX, y: e.clientY };
  });
  element.addEventListener('pointerup', () => {
    if (last && !last.pan) load();
    last = null;
  });
  element.addEventListener('wheel', (e) => {
    e.preventDefault();
    controls.zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1);
  }, { passive: false });
  return () => undefined;
}
