// STOW -> QIDO -> WADO round trip against the hub's /dicomweb with dicomweb-client, a DICOMweb client nobody on
// this project wrote. Environment: DICOMWEB_URL (…/dicomweb), DICOMWEB_STOW_TOKEN (a user who may store: township
// staff or a village doctor), DICOMWEB_TOKEN (a user who reads: the same or a reader of the community; defaults to
// the STOW token) and SAMPLES_DIR (samples/dicom). Exits 1 on the first mismatch, naming it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import XMLHttpRequest from 'xhr2';
import dicomweb from 'dicomweb-client';

globalThis.XMLHttpRequest = XMLHttpRequest; // dicomweb-client speaks through the browser's XMLHttpRequest

const url = process.env.DICOMWEB_URL;
const stowToken = process.env.DICOMWEB_STOW_TOKEN;
const readToken = process.env.DICOMWEB_TOKEN ?? stowToken;
const samples = process.env.SAMPLES_DIR;
if (!url || !stowToken || !samples) {
  console.error('set DICOMWEB_URL, DICOMWEB_STOW_TOKEN (and DICOMWEB_TOKEN) and SAMPLES_DIR');
  process.exit(2);
}

let checks = 0;
function check(condition, what, detail) {
  checks++;
  if (!condition) {
    console.error(`MISMATCH: ${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
    process.exit(1);
  }
}

const value = (dataset, tag) => dataset?.[tag]?.Value?.[0];
const client = token => new dicomweb.api.DICOMwebClient({ url, headers: { Authorization: `Bearer ${token}` } });
const stower = client(stowToken);
const reader = client(readToken);

// Where the data set starts in a Part 10 file: 132 + 12 + File Meta Information Group Length (PS3.10 §7.1).
const datasetOf = bytes => bytes.subarray(144 + new DataView(bytes.buffer, bytes.byteOffset + 140, 4).getUint32(0, true));
// Single-part responses come back as [ArrayBuffer] (the client wraps them like multipart ones).
const single = r => new Uint8Array(Array.isArray(r) ? r[0] : r);
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const cr = new Uint8Array(readFileSync(join(samples, 'cr-chest-pa-gb18030.dcm')));
const ecg = new Uint8Array(readFileSync(join(samples, 'ecg-inferior-stemi-utf8.dcm')));
const buffer = bytes => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);

// STOW-RS: both samples in one request.
const stored = await stower.storeInstances({ datasets: [buffer(cr), buffer(ecg)] });
const stowResponse = typeof stored === 'string' ? JSON.parse(stored) : stored;
const referenced = stowResponse['00081199']?.Value ?? [];
check(referenced.length === 2, 'STOW stored both instances', stowResponse);
check(stowResponse['00081198'] === undefined, 'STOW failed nothing', stowResponse['00081198']);
const crRetrieve = referenced.map(r => value(r, '00081190')).find(u => u.includes('/studies/'));
check(typeof crRetrieve === 'string', 'STOW gave retrieve URLs', referenced);

// QIDO-RS: the CR's patient is Wang^Wu=王^五, the ECG's Li^Si=李^四.
const byChinese = await reader.searchForStudies({ queryParams: { PatientName: '王*' } });
const crStudy = byChinese.find(s => value(s, '00100020') === 'SYNTH-0003');
check(crStudy !== undefined, 'searchForStudies PatientName=王* finds SYNTH-0003', byChinese.map(s => value(s, '00100010')));
check(value(crStudy, '00100010')?.Ideographic === '王^五', 'PatientName Ideographic group', value(crStudy, '00100010'));
check(byChinese.every(s => (value(s, '00100010')?.Ideographic ?? '').startsWith('王')), 'only 王… names match 王*', byChinese.map(s => value(s, '00100010')));
check(value(crStudy, '00080061') === 'CR', 'ModalitiesInStudy', crStudy['00080061']);
const studyUid = value(crStudy, '0020000D');

const byLatin = await reader.searchForStudies({ queryParams: { PatientName: 'wAnG^w?', StudyDate: '20260101-20261231' } });
check(byLatin.some(s => value(s, '0020000D') === studyUid), 'searchForStudies PatientName=wAnG^w? (case-insensitive, ?) with a date range', byLatin.length);
const byLi = await reader.searchForStudies({ queryParams: { PatientName: '李*' } });
check(byLi.some(s => value(s, '00100020') === 'SYNTH-0002') && !byLi.some(s => value(s, '0020000D') === studyUid), 'searchForStudies PatientName=李* finds the ECG only', byLi.length);
const none = await reader.searchForStudies({ queryParams: { PatientName: '王*', StudyDate: '-19991231' } });
check(none.every(s => value(s, '0020000D') !== studyUid), 'a study date range before the study excludes it', none.length);

const series = await reader.searchForSeries({ studyInstanceUID: studyUid });
check(series.length === 1 && value(series[0], '00080060') === 'CR', 'searchForSeries: one CR series', series);
const seriesUid = value(series[0], '0020000E');
const instances = await reader.searchForInstances({ studyInstanceUID: studyUid, seriesInstanceUID: seriesUid, queryParams: { includefield: 'all' } });
check(instances.length === 1, 'searchForInstances: one instance', instances.length);
const sopUid = value(instances[0], '00080018');
check(value(instances[0], '00280010') === 512 && value(instances[0], '00280011') === 512, 'Rows and Columns 512', instances[0]['00280010']);
check(value(instances[0], '00185101') === 'PA', 'includefield=all brings View Position from the file', instances[0]['00185101']);
const ids = { studyInstanceUID: studyUid, seriesInstanceUID: seriesUid, sopInstanceUID: sopUid };

// WADO-RS.
const instance = single(await reader.retrieveInstance(ids));
check(equal(datasetOf(instance), datasetOf(cr)), 'retrieveInstance: the stored data set, byte for byte', instance.length);

const [metadata] = await reader.retrieveInstanceMetadata(ids);
check(value(metadata, '00100010')?.Ideographic === '王^五', 'metadata PatientName', metadata['00100010']);
check(value(metadata, '00280030') !== undefined || value(metadata, '00181164') !== undefined, 'metadata has the pixel spacing', Object.keys(metadata).length);
check(typeof metadata['7FE00010']?.BulkDataURI === 'string', 'metadata refers to the pixel data as bulk data', metadata['7FE00010']);

const frames = await reader.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
check(frames.length === 1, 'retrieveInstanceFrames: one frame', frames.length);
const frame = new Uint8Array(frames[0]);
check(frame.length === 512 * 512 * 2 && equal(frame, cr.subarray(cr.length - frame.length)), 'frame 1 is the native pixel data', frame.length);

const png = single(await reader.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: 'image/png' }], queryParams: { window: '1900,3600,linear' } }));
check(equal(png.subarray(0, 8), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'retrieveInstanceRendered image/png', Array.from(png.subarray(0, 8)));
check(png[16] === 0 && png[17] === 0 && png[18] === 2 && png[19] === 0, 'rendered PNG is 512 wide', Array.from(png.subarray(16, 24)));
const jpeg = single(await reader.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: 'image/jpeg' }], queryParams: { quality: '60' } }));
check(jpeg[0] === 0xff && jpeg[1] === 0xd8, 'retrieveInstanceRendered image/jpeg', Array.from(jpeg.subarray(0, 2)));

console.log(`dicomweb-client round trip: ${checks} checks passed (study ${studyUid})`);
