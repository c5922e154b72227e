// 1:1 video in a consult (WebRTC): the hub relays offer, answer, ICE candidates and hang-up between the two
// participants (Signal) and hands out the STUN/TURN servers (IceServers); media goes peer to peer, never through
// the hub. The callee sees "incoming call" and answers; either side hangs up.
import { h } from '../dom';
import type { CallSignal, IceServer } from '../model';
import { hubMessage, type ConsultSession } from './consultPanel';

export function callPanel(session: ConsultSession): HTMLElement {
  const local = h('video', { id: 'local-video', autoplay: true, muted: true, playsinline: true });
  const remote = h('video', { id: 'remote-video', autoplay: true, playsinline: true });
  const status = h('span', { class: 'call-state', id: 'call-state', 'data-state': 'idle' }, 'no call');
  const call = h('button', { type: 'button', id: 'call-start', disabled: true }, 'Video call');
  const answer = h('button', { type: 'button', id: 'call-answer', hidden: true }, 'Answer');
  const hangUp = h('button', { type: 'button', id: 'call-hangup', class: 'danger', hidden: true }, 'Hang up');
  const videos = h('div', { class: 'videos', hidden: true }, remote, local);
  const element = h('section', { class: 'call card', id: 'call' }, h('header', null, h('h2', null, 'Video'), status), h('div', { class: 'buttons' }, call, answer, hangUp), videos);

  let pc: RTCPeerConnection | null = null;
  let peer: string | null = null;
  let media: MediaStream | null = null;
  let pendingOffer: CallSignal | null = null;
  let queued: RTCIceCandidateInit[] = [];

  const others = () => session.present.filter((p) => p !== session.me.id);
  const update = (present = session.present) => (call.disabled = pc !== null || present.filter((p) => p !== session.me.id).length === 0);
  session.onPresence((present) => {
    update(present);
    if (peer && !present.includes(peer)) end('the other side left');
  });
  update();

  const setState = (state: string, text: string) => {
    status.dataset.state = state;
    status.textContent = text;
  };

  const signal = (kind: CallSignal['kind'], payload: unknown) =>
    session.connection.invoke('Signal', session.caseId, peer, kind, typeof payload === 'string' ? payload : JSON.stringify(payload));

  async function connect(to: string): Promise<RTCPeerConnection> {
    peer = to;
    const servers = await session.connection.invoke<IceServer[]>('IceServers').catch(() => [] as IceServer[]);
    const connection = new RTCPeerConnection({
      iceServers: servers.map((s) => ({ urls: s.urls, username: s.username ?? undefined, credential: s.credential ?? undefined })),
    });
    pc = connection;
    connection.onicecandidate = (e) => {
      if (e.candidate) void signal('ice-candidate', e.candidate.toJSON()).catch(() => undefined);
    };
    connection.ontrack = (e) => {
      remote.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    };
    // For whoever has to find out why a call does not connect: ICE's own state beside the connection's.
    connection.oniceconnectionstatechange = () => (status.dataset.ice = connection.iceConnectionState);
    connection.onconnectionstatechange = () => {
      const s = connection.connectionState;
      if (s === 'connected') setState('connected', `in call with ${peer}`);
      else if (s === 'failed') end('the connection failed (firewall? a TURN server may be needed)');
      else if (s === 'connecting') setState('connecting', 'connecting…');
    };
    try {
      media = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } }, audio: true });
    } catch {
      // No camera or microphone (or refused): still receive the other side.
      media = null;
      connection.addTransceiver('video', { direction: 'recvonly' });
      connection.addTransceiver('audio', { direction: 'recvonly' });
    }
    media?.getTracks().forEach((t) => connection.addTrack(t, media!));
    local.srcObject = media;
    videos.hidden = false;
    hangUp.hidden = false;
    update();
    return connection;
  }

  async function flush(): Promise<void> {
    const candidates = queued;
    queued = [];
    for (const c of candidates) await pc?.addIceCandidate(c).catch(() => undefined);
  }

  call.addEventListener('click', async () => {
    const to = others()[0];
    if (!to) return;
    try {
      setState('calling', `calling ${to}…`);
      const connection = await connect(to);
      await connection.setLocalDescription(await connection.createOffer());
      await signal('offer', connection.localDescription);
    } catch (e) {
      end(`could not call: ${hubMessage(e)}`);
    }
  });

  answer.addEventListener('click', async () => {
    const offer = pendingOffer;
    pendingOffer = null;
    answer.hidden = true;
    if (!offer) return;
    try {
      const connection = await connect(offer.fromUserId);
      await connection.setRemoteDescription(JSON.parse(offer.payload));
      await flush();
      await connection.setLocalDescription(await connection.createAnswer());
      await signal('answer', connection.localDescription);
      setState('connecting', 'connecting…');
    } catch (e) {
      end(`could not answer: ${hubMessage(e)}`);
    }
  });

  hangUp.addEventListener('click', () => {
    if (peer) void signal('hang-up', '').catch(() => undefined);
    end('call ended');
  });

  session.onSignal(async (s) => {
    try {
      switch (s.kind) {
        case 'offer':
        case 'renegotiate':
          if (pc && s.fromUserId === peer) {
            // Renegotiation inside a running call (a camera switched on or off).
            await pc.setRemoteDescription(JSON.parse(s.payload));
            await pc.setLocalDescription(await pc.createAnswer());
            await signal('answer', pc.localDescription);
          } else if (!pc) {
            pendingOffer = s;
            answer.hidden = false;
            setState('ringing', `incoming call from ${s.fromUserId}`);
          }
          break;
        case 'answer':
          if (pc && s.fromUserId === peer) {
            await pc.setRemoteDescription(JSON.parse(s.payload));
            await flush();
          }
          break;
        case 'ice-candidate':
          if (pc?.remoteDescription) await pc.addIceCandidate(JSON.parse(s.payload));
          else queued.push(JSON.parse(s.payload));
          break;
        case 'hang-up':
          if (s.fromUserId === peer || s.fromUserId === pendingOffer?.fromUserId) end(`${s.fromUserId} hung up`);
          break;
      }
    } catch (e) {
      setState('error', `call signalling failed: ${hubMessage(e)}`);
    }
  });

  function end(why: string): void {
    pc?.close();
    pc = null;
    peer = null;
    pendingOffer = null;
    queued = [];
    media?.getTracks().forEach((t) => t.stop());
    media = null;
    local.srcObject = null;
    remote.srcObject = null;
    videos.hidden = true;
    hangUp.hidden = true;
    answer.hidden = true;
    setState('idle', why);
    update();
  }

  return element;
}
