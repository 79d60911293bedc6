// Demo client: ?role=publish sends camera + microphone; ?role=watch receives (3 audio + 1 video slots).
// ?send=1 with role=watch makes a visitor that tries to publish anyway (the bridge must drop it).
'use strict';

const params = new URLSearchParams(location.search);
const conference = params.get('conference') || 'demo';
const role = params.get('role');
const video = document.getElementById('video');
const status = document.getElementById('status');

document.getElementById('conference').textContent = conference;
document.getElementById('publish').href = `/?conference=${encodeURIComponent(conference)}&role=publish`;
document.getElementById('watch').href = `/?conference=${encodeURIComponent(conference)}&role=watch`;

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${json?.error ?? response.status}`);
  return json;
}

async function start() {
  const publish = role === 'publish';
  const sendAnyway = params.get('send') === '1';
  const id = `${publish ? 'pub' : 'view'}-${Math.random().toString(36).slice(2, 8)}`;
  await api('POST', `/conferences/${conference}/endpoints`, { id, role: publish ? 'sender' : 'receiver' });

  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  window.demo = { pc, id, conference, role };
  if (publish || sendAnyway) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    const direction = publish ? 'sendonly' : 'sendrecv';
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction, streams: [stream] });
    if (publish) video.srcObject = stream;
  }
  if (!publish) {
    const remote = new MediaStream();
    const audios = sendAnyway ? 2 : 3;
    // Every section of the intruder is sendrecv, so flipping the answer below stays a valid answer.
    for (let i = 0; i < audios; i++) pc.addTransceiver('audio', { direction: sendAnyway ? 'sendrecv' : 'recvonly' });
    if (!sendAnyway) pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = (event) => { remote.addTrack(event.track); video.srcObject = remote; };
  }

  await pc.setLocalDescription(await pc.createOffer());
  const answer = await api('POST', `/conferences/${conference}/endpoints/${id}/sdp`, { type: 'offer', sdp: pc.localDescription.sdp });
  // A visitor that tries to publish anyway flips the bridge's sendonly sections to sendrecv.
  const sdp = sendAnyway ? answer.sdp.replaceAll('a=sendonly', 'a=sendrecv') : answer.sdp;
  await pc.setRemoteDescription({ type: 'answer', sdp });
  pc.onconnectionstatechange = () => report();
  setInterval(report, 1000);
}

// Figures the browser tests read, and the status line people see.
async function demoStats() {
  const result = { connection: window.demo?.pc.connectionState, framesDecoded: 0, audioPacketsReceived: 0, videoPacketsReceived: 0, packetsSent: 0, inboundSsrcs: [], srtpCipher: null, tlsVersion: null };
  if (!window.demo) return result;
  const stats = await window.demo.pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      result.inboundSsrcs.push(s.ssrc);
      if (s.kind === 'video') { result.framesDecoded += s.framesDecoded ?? 0; result.videoPacketsReceived += s.packetsReceived ?? 0; }
      if (s.kind === 'audio') result.audioPacketsReceived += s.packetsReceived ?? 0;
    }
    if (s.type === 'outbound-rtp') result.packetsSent += s.packetsSent ?? 0;
    if (s.type === 'transport') { result.srtpCipher = s.srtpCipher ?? null; result.tlsVersion = s.tlsVersion ?? null; }
  });
  return result;
}
window.demoStats = demoStats;

async function report() {
  const s = await demoStats();
  status.textContent = `${role}: ${s.connection}, ${s.srtpCipher ?? ''}\n` +
    (role === 'publish' ? `packets sent ${s.packetsSent}` : `video frames decoded ${s.framesDecoded}, audio packets ${s.audioPacketsReceived}`);
}

if (role === 'publish' || role === 'watch') {
  start().catch((e) => { document.getElementById('error').textContent = e.message; window.demoError = e.message; });
}
