// One person's stay in a room: the signaling WebSocket (docs/signaling-protocol.md), redirects, reconnects and the media
// negotiation it drives. The UI reads `state` and is told through `onchange`; nothing here touches the DOM.
import { createPeer, openCamera } from './media.js';

/** The WebSocket URL of a signaling node given its http(s) base URL or a ws(s) URL, with or without the /ws path. */
export function socketUrl(url, base) {
  const u = new URL(url, base);
  const schemes = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  if (!schemes[u.protocol]) throw new Error(`a signaling node cannot be reached over ${u.protocol}`);
  u.protocol = schemes[u.protocol];
  if (!u.pathname.endsWith('/ws')) u.pathname = u.pathname.replace(/\/?$/, '/ws');
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** Delay before reconnect attempt `attempt` (1, 2, ...): 1 s doubling to at most 10 s. */
export function backoffMs(attempt) {
  return Math.min(10_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

// Attempts at the node a client was on before it goes back to the page's origin (which redirects again if need be).
const ATTEMPTS_PER_NODE = 3;
// A connection "disconnected" this long is treated as failed (Chromium reports failed only after ~30 s).
const DISCONNECTED_GRACE_MS = 5000;
// Redirects in a row without a join: a misconfigured fleet must not bounce the page forever.
const MAX_REDIRECTS = 5;
// Refusals a retry cannot fix: the client stops and says why.
const TERMINAL = new Set(['forbidden', 'room-full', 'visitors-disabled', 'unsupported-version', 'frame-too-large']);

const PLAIN_WORDS = {
  'room-full': 'This room is full and does not admit viewers.',
  'visitors-disabled': 'All seats in this room are taken, and it does not admit viewers.',
  forbidden: 'You are not allowed to join this room. The link may be wrong or may have expired.',
  'unsupported-version': 'This page is out of date. Reload it to join.',
  'frame-too-large': 'The server refused a message from this page. Reload it to join again.',
  'rate-limited': 'This page sent too many messages; reconnecting shortly.',
  internal: 'The server could not set up your audio and video just now; retrying.',
};

/** What a person should read for a refusal: plain words for the codes people meet, the server's text for the rest. */
export function plainWords(error) {
  return PLAIN_WORDS[error.code] ?? `The server refused a request: ${error.message}`;
}

/**
 * A stay in `request.room` under `request.name`: connects to `home` (the page's own /ws), follows redirects, joins, publishes
 * (participants) and receives, and keeps doing so across lost connections until `leave()` or a refusal a retry cannot fix.
 */
export class Session {
  /** Public state, read by the UI and exposed to tests as window.conference. */
  state;
  /** The current peer connection's receive slots (media.js createPeer), or null. */
  peer = null;
  /** The participant's camera and microphone, or null. */
  local = null;
  onchange = () => {};
  /** Room-feature messages (chat, chat.history, chat.settings, reactions) and non-fatal refusals go here (chat.js, reactions.js). */
  onfeature = () => {};

  #request;
  #home;
  #socket = null;
  #nodeUrl;
  #wantsVisitor;
  #heartbeat = null;
  #lastHeard = 0;
  #retryTimer = null;
  #disconnectTimer = null;
  #attempts = 0;
  #redirects = 0;
  #requestSeq = 0;
  #pendingOffer = null;
  #cameraProblem = null;
  #ended = false;
  #ticket = null;
  #media = Promise.resolve();

  /** `request`: { room, name, visitor, token?, width, height }; `home`: the ws(s) URL of the page's own node. */
  constructor(request, home) {
    this.#request = request;
    this.#home = home;
    this.#nodeUrl = home;
    this.#wantsVisitor = !!request.visitor;
    this.state = {
      role: null, node: null, you: null, name: null, room: request.room, pc: null, visitorCount: 0, stage: [], moderator: false,
      status: 'Connecting…', error: null, joins: 0, offers: 0, ws: null, audio: true, video: true, ended: false,
      // Tests (and curious developers) feed a server message to the handler as if it came over the socket.
      deliver: (message) => this.#handle(message),
    };
  }

  start() {
    this.#connect(this.#home);
  }

  /** Leaves the room for good: tells the server, closes everything, turns the camera off. */
  leave() {
    this.#send({ type: 'leave' });
    this.#end('You left the room.');
  }

  /** Sends a room-feature request (`chat.send`, `reaction.send`, `mod.*`); false when not connected. */
  sendFeature(message) {
    return this.state.role !== null && this.#send(message);
  }

  /** A moderator approved the raised hand: join main at `url` with the one-use `ticket`, same name, as participant. */
  promote(url, ticket) {
    const old = this.#socket;
    this.#ticket = ticket;
    this.#wantsVisitor = false;
    this.#redirects = 0;
    this.#connect(url);
    old?.close(1000);
  }

  /** Turns the microphone / camera on or off and tells the room. */
  setMedia(audio, video) {
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = audio;
    for (const t of this.local?.getVideoTracks() ?? []) t.enabled = video;
    this.state.audio = audio && !!this.local?.getAudioTracks().length;
    this.state.video = video && !!this.local?.getVideoTracks().length;
    if (this.state.role === 'participant') this.#send({ type: 'media', audio: this.state.audio, video: this.state.video });
    this.onchange();
  }

  #connect(url) {
    this.#nodeUrl = url;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      // E.g. a ws: node from an https: page (mixed content): that node is unusable, so the retry goes to the origin.
      this.#nodeUrl = this.#home;
      this.#scheduleReconnect(`${new URL(url).host} cannot be reached from this page (${e.message})`);
      return;
    }
    this.#socket = this.state.ws = ws;
    this.#lastHeard = Date.now();
    ws.onmessage = (event) => {
      if (ws !== this.#socket) return;
      this.#lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        console.warn('signaling sent a frame that is not JSON');
        return;
      }
      this.#handle(message);
    };
    ws.onclose = (event) => {
      if (ws !== this.#socket) return;
      this.#lost(`the signaling connection closed (${event.code})`);
    };
    this.#status(`Connecting to ${new URL(url).host}…`);
  }

  #send(message) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify({ v: 1, ...message }));
    return true;
  }

  #handle(m) {
    if (this.#ended || typeof m !== 'object' || m === null) return;
    switch (m.type) {
      case 'welcome': return this.#welcome(m);
      case 'joined': return this.#joined(m);
      case 'redirect': return this.#redirect(m);
      case 'answer': return this.#answer(m);
      case 'stage':
        this.state.stage = Array.isArray(m.participants) ? m.participants : [];
        // A participant of an open tenant becomes moderator when the last one leaves; the stage says so.
        this.state.moderator = this.state.stage.find((p) => p.id === this.state.you)?.moderator ?? this.state.moderator;
        return this.onchange();
      case 'visitors':
        this.state.visitorCount = m.count;
        return this.onchange();
      case 'reoffer':
        this.#status('The media server changed; reconnecting audio and video…');
        return this.#queueMedia(() => this.#negotiate());
      case 'error': return this.#error(m);
      case 'pong': return undefined;
      default:
        // Room features (chat.*, reactions, ...) are the UI modules' business; unknown types are ignored there.
        return this.onfeature(m);
    }
  }

  #welcome(m) {
    this.state.node = m.node;
    const periodMs = Math.max(1, m.heartbeatSeconds ?? 15) * 1000;
    clearInterval(this.#heartbeat);
    // The server closes a connection silent for 3 periods; pinging every half period leaves room for a late timer.
    this.#heartbeat = setInterval(() => {
      if (Date.now() - this.#lastHeard > 1.5 * periodMs) {
        // No pong for three pings: the path is dead even if TCP has not noticed.
        this.#lost('the signaling server stopped answering');
        return;
      }
      this.#send({ type: 'ping' });
    }, periodMs / 2);
    const join = { type: 'join', id: `j${++this.#requestSeq}`, room: this.#request.room, name: this.#request.name, visitor: this.#wantsVisitor };
    if (this.#request.token) join.token = this.#request.token;
    if (this.#ticket) join.ticket = this.#ticket;
    this.#ticket = null;
    this.#send(join);
    this.#status(`Joining ${this.#request.room}…`);
  }

  #joined(m) {
    this.#redirects = 0;
    // Refusals are over once joined; why a would-be participant only watches stays said.
    Object.assign(this.state, { role: m.role, you: m.you, room: m.room, visitorCount: m.visitorCount, moderator: m.moderator === true, error: this.#cameraProblem });
    // The name the room knows us by (a token's replaces the typed one); rejoins and a promotion send that one.
    if (typeof m.name === 'string' && m.name) this.state.name = this.#request.name = m.name;
    this.state.joins++;
    // A rejoin keeps the role: a viewer must not start sending their camera because a seat happened to be free.
    this.#wantsVisitor = m.role === 'visitor';
    if (this.state.stage.length === 0 && Array.isArray(m.participants)) {
      this.state.stage = m.participants.map((p) => ({ ...p, audio: false, video: false }));
    }
    this.#status(m.role === 'visitor' ? 'Joined as a viewer; connecting media…' : 'Joined; connecting media…');
    this.#queueMedia(() => this.#startMedia());
  }

  async #startMedia() {
    const socket = this.#socket;
    if (this.state.role === 'participant') {
      if (!this.local) {
        try {
          this.local = await openCamera(this.#request.width, this.#request.height);
        } catch (e) {
          if (socket !== this.#socket) return;
          this.#cameraProblem = `Your camera and microphone are not available (${e.name ?? e}), so you are watching instead.`;
          this.state.error = this.#cameraProblem;
          this.#wantsVisitor = true;
          this.#rejoin('no camera or microphone', 0);
          return;
        }
        if (socket !== this.#socket) return;
      }
      this.setMedia(this.state.audio, this.state.video);
    } else if (this.local) {
      for (const t of this.local.getTracks()) t.stop();
      this.local = null;
    }
    await this.#negotiate();
  }

  /** A new peer connection and a new offer; answers to any earlier offer are ignored from now on. */
  async #negotiate() {
    const socket = this.#socket;
    if (!socket || this.#ended) return;
    this.#closePeer();
    const peer = this.peer = createPeer(this.state.role === 'participant' ? this.local : null);
    const pc = this.state.pc = peer.pc;
    pc.onconnectionstatechange = () => this.#mediaState(pc);
    const id = this.#pendingOffer = `o${++this.#requestSeq}`;
    this.state.offers++;
    this.onchange();
    try {
      await pc.setLocalDescription(await pc.createOffer());
    } catch (e) {
      if (pc === this.state.pc) this.#rejoin(`the browser could not create an offer: ${e.message}`);
      return;
    }
    if (pc !== this.state.pc || socket !== this.#socket) return;
    this.#send({ type: 'offer', id, sdp: pc.localDescription.sdp });
  }

  async #answer(m) {
    const pc = this.state.pc;
    if (!pc || m.id !== this.#pendingOffer) return;
    this.#pendingOffer = null;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
    } catch (e) {
      if (pc === this.state.pc) this.#rejoin(`the media server's answer was not usable: ${e.message}`);
      return;
    }
    this.onchange();
  }

  #mediaState(pc) {
    if (pc !== this.state.pc) return;
    clearTimeout(this.#disconnectTimer);
    switch (pc.connectionState) {
      case 'connected':
        // Media flows: the node and the path work, so the next loss starts its backoff afresh.
        this.#attempts = 0;
        this.#status(this.state.role === 'visitor' ? 'Watching.' : 'Connected.');
        break;
      case 'disconnected':
        this.#status('Media connection interrupted…');
        this.#disconnectTimer = setTimeout(() => {
          if (pc === this.state.pc && pc.connectionState === 'disconnected') this.#rejoin('the media connection stayed interrupted');
        }, DISCONNECTED_GRACE_MS);
        break;
      case 'failed':
        this.#rejoin('the media connection failed');
        break;
      default:
        break;
    }
    this.onchange();
  }

  #redirect(m) {
    if (++this.#redirects > MAX_REDIRECTS) {
      this.#end(null, 'The servers keep sending this page elsewhere; try again later.');
      return;
    }
    let url;
    try {
      url = socketUrl(m.url, location.href);
    } catch (e) {
      this.#end(null, `The server sent this page to an address it cannot use (${e.message}).`);
      return;
    }
    this.#wantsVisitor = true;
    this.#detach();
    this.#status(`This room is full; moving to viewer server ${m.node}…`);
    this.#connect(url);
  }

  #error(m) {
    if (m.inReplyTo && m.inReplyTo === this.#pendingOffer) {
      // The offer was refused or the bridge did not answer: the endpoint is in an unknown state, so start over.
      this.#pendingOffer = null;
      this.#rejoin(`the media server refused the offer: ${m.message}`);
      return;
    }
    if (!m.fatal) {
      console.warn(`signaling: ${m.code}: ${m.message}`);
      this.onfeature(m);
      return;
    }
    this.state.error = plainWords(m);
    if (TERMINAL.has(m.code)) this.#end(null, this.state.error);
    else this.onchange();
    // Any other fatal refusal is followed by the server's close, which schedules the retry.
  }

  /** The signaling connection is gone without anyone meaning it: tear down and try again after the backoff. */
  #lost(reason) {
    this.#detach();
    this.#scheduleReconnect(reason);
  }

  /** Deliberately starts over on the same node (after `delayMs`, or the backoff): leave, close, join again. */
  #rejoin(reason, delayMs) {
    this.#send({ type: 'leave' });
    this.#detach();
    this.#scheduleReconnect(reason, delayMs);
  }

  #scheduleReconnect(reason, delayMs) {
    if (this.#ended) return;
    this.#attempts++;
    const delay = delayMs ?? backoffMs(this.#attempts);
    // The node we were on, unless it failed us too often: then the page's origin, which redirects again if need be.
    const target = this.#attempts > ATTEMPTS_PER_NODE ? this.#home : this.#nodeUrl;
    const seconds = Math.round(delay / 100) / 10;
    this.#status(`Reconnecting in ${seconds} s (attempt ${this.#attempts}): ${reason}.`);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (!this.#ended) this.#connect(target);
    }, delay);
  }

  /** Drops the socket (its late events are ignored), the heartbeat and the media connection. */
  #detach() {
    const ws = this.#socket;
    this.#socket = this.state.ws = null;
    clearInterval(this.#heartbeat);
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
    this.#pendingOffer = null;
    this.#closePeer();
  }

  #closePeer() {
    clearTimeout(this.#disconnectTimer);
    if (this.state.pc) {
      this.state.pc.onconnectionstatechange = null;
      this.state.pc.close();
    }
    this.state.pc = null;
    this.peer = null;
  }

  #end(status, error) {
    this.#ended = this.state.ended = true;
    clearTimeout(this.#retryTimer);
    this.#detach();
    for (const t of this.local?.getTracks() ?? []) t.stop();
    this.local = null;
    if (error) this.state.error = error;
    this.state.status = status ?? 'Disconnected.';
    this.onchange();
  }

  /** Runs media steps one after another: a reoffer during the first getUserMedia must wait for it. */
  #queueMedia(step) {
    this.#media = this.#media.then(step).catch((e) => console.error('media step failed', e));
  }

  #status(text) {
    this.state.status = text;
    this.onchange();
  }
}
