// The shapes the hub sends (camelCase JSON, enums as names). Kept to what the viewer reads.

export type Role = 'VillageDoctor' | 'TownshipStaff' | 'Cardiologist' | 'Radiologist' | 'CommunityAdmin' | 'Auditor';
export type CaseStatus = 'New' | 'Assigned' | 'InProgress' | 'Preliminary' | 'Signed' | 'Amended' | 'Cancelled';
export type Priority = 'Stat' | 'Urgent' | 'Routine';

export interface Me {
  id: string;
  displayName: string;
  role: Role;
  communityId: string;
  institutionId: string;
  authenticatedBy: string;
}

export const isReader = (me: Me) => me.role === 'Cardiologist' || me.role === 'Radiologist';
export const isStaff = (me: Me) => me.role === 'VillageDoctor' || me.role === 'TownshipStaff';

export interface CaseHistoryEntry {
  at: string;
  actor: string;
  action: string;
  status: CaseStatus;
  detail?: string | null;
}

export interface EcgFindings {
  flags: string[];
  heartRateBpm?: number | null;
  prMs?: number | null;
  qrsMs?: number | null;
  qtMs?: number | null;
  qtcMs?: number | null;
  axisDegrees?: number | null;
}

export interface CaseView {
  caseId: string;
  communityId: string;
  routedCommunityId: string;
  kind: string;
  priority: Priority;
  specialty: string;
  status: CaseStatus;
  clinicalQuestion: string;
  patientId: string | null;
  studies: string[];
  requestingInstitutionId: string;
  requestedBy: string;
  assignedReaderId: string | null;
  openedAt: string;
  slaDueAt: string;
  acceptDueAt: string | null;
  slaBreached: boolean;
  ecg: EcgFindings | null;
  history: CaseHistoryEntry[];
}

export interface CaseSummary {
  caseId: string;
  requestingInstitutionId: string;
  requestedBy: string;
  kind: string;
  priority: Priority;
  specialty: string;
  status: CaseStatus;
  patientId: string | null;
  assignedReaderId: string | null;
  clinicalQuestion: string | null;
  openedAt: string;
  signedAt: string | null;
  slaDueAt: string;
  slaBreached: boolean;
  updatedAt: string;
}

export interface CaseList {
  total: number;
  offset: number;
  limit: number;
  cases: CaseSummary[];
}

export interface WorklistEntry {
  caseId: string;
  kind: string;
  priority: Priority;
  patientId: string | null;
  slaDueAt: string;
  assignedAt: string;
}

export interface CaseEvent {
  caseId: string;
  change: string;
  status: CaseStatus;
  priority: Priority;
  kind: string;
  communityId: string;
  requestingInstitutionId: string;
  assignedReaderId: string | null;
  at: string;
  slaDueAt: string;
  slaBreached: boolean;
  urgent: boolean;
  sequence: number;
  epoch: string;
}

export interface AlertEvent {
  caseId: string;
  kind: string;
  message: string;
  urgent: boolean;
  at: string;
  sequence: number;
  epoch: string;
}

export interface WorklistEvent {
  readerId: string;
  openCases: number;
  at: string;
  sequence: number;
  epoch: string;
}

export interface MissedEvents {
  epoch: string;
  lastSequence: number;
  complete: boolean;
  cases: CaseEvent[];
  alerts: AlertEvent[];
  worklists: WorklistEvent[];
}

export interface ReportField {
  name: string;
  value: string;
}

export interface ReportContent {
  template: string;
  fields: ReportField[];
  findings: string;
  impression: string;
}

export interface ReportVersion {
  number: number;
  content: ReportContent;
  signedBy: string;
  signedAt: string;
  amendmentReason: string | null;
}

export interface ReportResource {
  caseId: string;
  caseStatus: CaseStatus;
  draft: ReportContent | null;
  current: ReportVersion | null;
  versions: ReportVersion[];
  eTag: string;
}

export interface ConsultMessage {
  caseId: string;
  sequence: number;
  senderId: string;
  sentAt: string;
  text: string;
}

export interface ConsultReceipt {
  caseId: string;
  userId: string;
  deliveredThrough: number;
  readThrough: number;
}

export interface ConsultJoined {
  caseId: string;
  present: string[];
  messages: ConsultMessage[];
  receipts: ConsultReceipt[];
  hasMore: boolean;
}

export interface ConsultPresence {
  caseId: string;
  present: string[];
  userId: string;
  change: string;
}

export interface ConsultTyping {
  caseId: string;
  userId: string;
  typing: boolean;
}

export interface CallSignal {
  caseId: string;
  fromUserId: string;
  toUserId: string;
  kind: 'offer' | 'answer' | 'ice-candidate' | 'renegotiate' | 'hang-up';
  payload: string;
}

export interface IceServer {
  urls: string[];
  username: string | null;
  credential: string | null;
}

/** GET /api/ecgs/{sopInstanceUid} (contract in the helpers' CONTEXT.md). */
export interface EcgRecord {
  sopInstanceUid: string;
  patientId: string | null;
  samplingRate: number;
  /** With ?from=&to=, the recording's sample number of the first sample sent; beats and evidence count from 0. */
  startSample?: number;
  totalSamples?: number;
  leads: { name: string; unit: string; samples: number[] }[];
  beats: { sample: number; label: string }[];
  heartRate: number | null;
  measurements: Record<string, number | string | null | Record<string, number>>;
  flags: { code: string; text: string; urgency?: string; evidence?: { lead: string | null; startSample: number | null; endSample: number | null } | null }[];
}

/** EcgSamples pushed on /hubs/consult after WatchEcg(caseId). */
export interface EcgLiveBatch {
  caseId: string;
  streamId: string;
  sequence: number;
  samplingRate: number;
  leads: string[];
  firstSample: number;
  samples: number[][];
  beats: { sample: number; label: string }[];
  heartRate: number | null;
}

/** What the requesting side calls each status. */
export function statusLabel(status: CaseStatus): string {
  switch (status) {
    case 'New':
      return 'waiting for a reader';
    case 'Assigned':
      return 'assigned';
    case 'InProgress':
      return 'reading';
    case 'Preliminary':
      return 'preliminary';
    case 'Signed':
      return 'signed';
    case 'Amended':
      return 'signed (amended)';
    case 'Cancelled':
      return 'cancelled';
  }
}
