// The conference page: join form, tiles, controls and status. Links prefill the form (?room=acme/town-hall&name=Ann&visitor=1)
// and ?autojoin=1 joins at once; ?token=<JWT> is sent in join (tenants with tokens); ?resolution=320x180 asks the camera for less. docs/web-client.md describes it.
import { Session, socketUrl } from './session.js';
import { collectStats, filledSlots } from './media.js';
import { ChatPanel } from './chat.js';
import { ReactionsBar } from './reactions.js';
import { HandsPanel } from './hands.js';
import { PollsPanel } from './polls.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const [width, height] = (params.get('resolution') ?? '640x360').split('x').map((n) => Number.parseInt(n, 10));
let session = null;
const sendFeature = (message) => session?.sendFeature(message) ?? false;
const chat = new ChatPanel({
  log: $('chat-log'), form: $('chat-form'), text: $('chat-text'), to: $('chat-to'), closed: $('chat-closed'), note: $('chat-note'),
  moderation: $('chat-moderation'), toggle: $('visitor-chat'),
}, sendFeature);
const reactions = new ReactionsBar($('reactions'), $('bursts'), sendFeature);
const handsRoot = document.createElement('div');
handsRoot.id = 'hands';
$('conference').append(handsRoot);
const hands = new HandsPanel(handsRoot, () => session);
const polls = new PollsPanel({ list: $('poll-list'), form: $('poll-form'), question: $('poll-question'), options: $('poll-options'), note: $('poll-note') }, sendFeature);

/** Same rule as the server (docs/signaling-protocol.md, join.room), so people see the problem before connecting. */
function roomProblem(room) {
  const parts = room.split('/');
  if (parts.length !== 2) return 'The room must look like tenant/room, with exactly one "/".';
  if (room !== room.toLowerCase()) return 'Room names are lower case.';
  if (!parts.every((p) => /^[a-z0-9._-]{1,64}$/.test(p) && p !== '.' && p !== '..')) {
    return 'Each part of the room name is 1-64 letters, digits, ".", "_" or "-".';
  }
  return null;
}

function join(room, name, visitor) {
  const problem = roomProblem(room) ?? (name.trim() ? null : 'Enter your name.');
  $('form-error').textContent = problem ?? '';
  $('form-error').hidden = !problem;
  if (problem) return;
  const token = params.get('token') || undefined;
  share(room, name.trim(), visitor);
  session = new Session({ room, name: name.trim(), visitor, token, width: width || 640, height: height || 360 }, socketUrl('/ws', location.origin));
  window.conference = session.state;
  // Test hooks: what the chat shows and the reaction counts received.
  session.state.chat = chat;
  session.state.reactions = reactions;
  session.state.polls = polls;
  session.onchange = render;
  session.state.hands = hands;
  session.onfeature = (m) => chat.handle(m) || reactions.handle(m) || hands.handle(m) || polls.handle(m);
  $('error').hidden = true;
  session.start();
  render();
}

/** Puts the shareable link of this join in the address bar: room, name, the watch-only choice and the opening link's token. */
function share(room, name, visitor) {
  const link = new URLSearchParams({ room, name });
  if (visitor) link.set('visitor', '1');
  const token = params.get('token');
  if (token) link.set('token', token);
  history.replaceState(null, '', `?${link}`);
}

function render() {
  const s = session.state;
  // A token's name replaces the typed one: the form and the link follow, so what is shared is who joined.
  if (s.name && s.name !== $('name').value.trim()) {
    $('name').value = s.name;
    share(s.room, s.name, $('watch-only').checked);
  }
  document.title = s.room;
  $('title').textContent = s.room;
  $('join-form').hidden = !s.ended;
  $('conference').hidden = s.ended;
  $('visitor-badge').hidden = s.role !== 'visitor' || s.ended;
  $('moderator-badge').hidden = !s.moderator || s.ended;
  hands.render(s);
  $('visitor-count').textContent = String(s.visitorCount ?? 0);
  $('status').textContent = s.status;
  $('error').textContent = s.error ?? '';
  $('error').hidden = !s.error;
  chat.setRole(s.ended ? null : s.role);
  chat.setRecipients(s.stage.filter((p) => p.id !== s.you));
  polls.setViewer(s.ended ? null : s.role, s.you, s.moderator);
  const participant = s.role === 'participant' && !s.ended;
  $('mic').hidden = $('camera').hidden = !participant || !session.local;
  $('mic').setAttribute('aria-pressed', String(s.audio));
  $('mic').textContent = s.audio ? 'Mute microphone' : 'Unmute microphone';
  $('camera').setAttribute('aria-pressed', String(s.video));
  $('camera').textContent = s.video ? 'Turn camera off' : 'Turn camera on';
  renderTiles(s);
  renderAudio();
}

/**
 * One tile per participant on stage. The bridge fills the n-th video slot with the n-th publisher of the room in stage
 * order (signaling hands it each participant's place), leaving out a participant's own: the stage order without oneself.
 * The answer carries no publisher identity, so the pairing rests on that shared order (docs/web-client.md).
 */
function renderTiles(s) {
  const wanted = [];
  if (s.role === 'participant' && session.local) {
    const me = s.stage.find((p) => p.id === s.you)?.name ?? 'You';
    wanted.push({ key: 'self', name: `${me} (you)`, stream: session.local, audio: s.audio, video: s.video });
  }
  const slots = session.peer ? filledSlots(session.peer.video) : [];
  s.stage.filter((p) => p.id !== s.you).forEach((p, i) => {
    const stream = slots[i]?.stream ?? null;
    wanted.push({ key: p.id, name: p.name, stream, audio: p.audio, video: p.video });
  });

  const container = $('tiles');
  const keep = new Set(wanted.map((w) => w.key));
  for (const tile of [...container.children]) if (!keep.has(tile.dataset.key)) tile.remove();
  const existing = new Map([...container.children].map((t) => [t.dataset.key, t]));
  const order = [...container.children].map((t) => t.dataset.key).join('\n');
  const tiles = wanted.map((w) => updateTile(existing.get(w.key) ?? createTile(w.key), w));
  if (order !== wanted.map((w) => w.key).join('\n')) {
    // Moving a media element pauses it; replay after reordering.
    container.replaceChildren(...tiles);
    for (const video of container.querySelectorAll('video')) if (video.srcObject) video.play().catch(() => {});
  }
}

function createTile(key) {
  const tile = document.createElement('div');
  tile.className = 'tile';
  tile.dataset.key = key;
  const video = document.createElement('video');
  video.autoplay = video.playsInline = video.muted = true;
  const initials = document.createElement('div');
  initials.className = 'initials';
  const label = document.createElement('div');
  label.className = 'label';
  const name = document.createElement('span');
  name.className = 'name';
  const muted = document.createElement('span');
  muted.className = 'muted';
  label.append(name, muted);
  tile.append(video, initials, label);
  return tile;
}

function updateTile(tile, w) {
  const [video, initials, label] = tile.children;
  const [name, muted] = label.children;
  tile.classList.toggle('self', w.key === 'self');
  // No picture when the camera is off, or when the bridge has no video slot left for this participant.
  tile.classList.toggle('no-video', !w.video || !w.stream);
  if (video.srcObject !== w.stream) video.srcObject = w.stream;
  initials.textContent = w.name.split(/\s+/).map((part) => part[0] ?? '').join('').slice(0, 2).toUpperCase();
  name.textContent = w.name;
  muted.textContent = [w.audio ? null : 'mic off', w.video ? null : 'camera off'].filter(Boolean).join(', ');
  return tile;
}

/** Plays every filled audio slot; a browser that blocks autoplay gets an "Enable sound" button. */
function renderAudio() {
  const streams = session.peer && !session.state.ended ? filledSlots(session.peer.audio).map((s) => s.stream) : [];
  const container = $('audio');
  while (container.children.length > streams.length) container.lastChild.remove();
  while (container.children.length < streams.length) container.append(document.createElement('audio'));
  streams.forEach((stream, i) => {
    const audio = container.children[i];
    if (audio.srcObject === stream) return;
    audio.srcObject = stream;
    audio.play().catch(() => { $('enable-sound').hidden = false; });
  });
}

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  join($('room').value.trim(), $('name').value, $('watch-only').checked);
});
$('mic').addEventListener('click', () => session.setMedia(!session.state.audio, session.state.video));
$('camera').addEventListener('click', () => session.setMedia(session.state.audio, !session.state.video));
$('leave').addEventListener('click', () => session.leave());
$('enable-sound').addEventListener('click', () => {
  for (const audio of $('audio').children) audio.play().catch(() => {});
  $('enable-sound').hidden = true;
});

/** Test hook and console helper: figures of the current peer connection from getStats. */
window.conferenceStats = () => collectStats(session?.state.pc ?? null);

$('room').value = params.get('room') ?? '';
$('name').value = params.get('name') ?? '';
$('watch-only').checked = params.get('visitor') === '1';
if (params.get('autojoin') === '1') join($('room').value.trim(), $('name').value, $('watch-only').checked);
