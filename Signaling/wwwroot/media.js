// The browser's media side: camera and microphone, the RTCPeerConnection in the shape the bridge accepts, and getStats figures.

// Receive sections offered by every client. The bridge fills the n-th audio (video) section of its kind with its n-th slot
// (Bridge:ReceiverAudioSlots, default 3; Bridge:ReceiverVideoSlots, default 1) and answers the rest inactive, so offering a
// few more video sections than the default lets an operator raise the bridge's video slots without touching the client.
export const RECEIVE_AUDIO_SECTIONS = 3;
export const RECEIVE_VIDEO_SECTIONS = 4;

/** Camera and microphone at about `width`x`height`; falls back to whichever of the two works. Throws when neither does. */
export async function openCamera(width, height) {
  const video = { width: { ideal: width }, height: { ideal: height } };
  const attempts = [{ audio: true, video }, { audio: true }, { video }];
  let first;
  for (const constraints of attempts) {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/**
 * A peer connection for one bridge endpoint: `local` tracks (a participant's) sent on sendonly sections, then receive-only
 * sections for the bridge's slots. Each receive slot keeps one MediaStream for the lifetime of the connection.
 */
export function createPeer(local) {
  // The bridge answers one BUNDLEd, rtcp-muxed transport; saying so up front spares candidates for unused transports.
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  for (const track of local?.getTracks() ?? []) pc.addTransceiver(track, { direction: 'sendonly', streams: [local] });
  const slot = (kind) => {
    const transceiver = pc.addTransceiver(kind, { direction: 'recvonly' });
    return { transceiver, stream: new MediaStream([transceiver.receiver.track]) };
  };
  const audio = Array.from({ length: RECEIVE_AUDIO_SECTIONS }, () => slot('audio'));
  const video = Array.from({ length: RECEIVE_VIDEO_SECTIONS }, () => slot('video'));
  return { pc, audio, video };
}

/** The receive slots the bridge's answer filled (sections it answered inactive carry nothing), in slot order. */
export function filledSlots(slots) {
  return slots.filter((s) => s.transceiver.currentDirection === 'recvonly');
}

/** Figures for the status line and the tests, summed over the connection's RTP streams. */
export async function collectStats(pc) {
  const result = { connection: pc?.connectionState ?? 'none', framesDecoded: 0, videoPacketsReceived: 0, audioPacketsReceived: 0, packetsSent: 0 };
  if (!pc || pc.signalingState === 'closed') return result;
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      result.framesDecoded += s.framesDecoded ?? 0;
      result.videoPacketsReceived += s.packetsReceived ?? 0;
    } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      result.audioPacketsReceived += s.packetsReceived ?? 0;
    } else if (s.type === 'outbound-rtp') {
      result.packetsSent += s.packetsSent ?? 0;
    }
  });
  return result;
}
