import { createMediaStream, kindsOf } from '../devices.js';
import { type MediaKind, RoomError } from '../roomAdapter.js';
import { negotiationRole, type RtcCandidate, type RtcSignal } from './signal.js';

/** What a {@link Peer} needs from its room. */
export interface PeerHost {
  readonly session: string;
  readonly iceRestartTimeoutMs: number;
  /** 'relay': media only through TURN, so a gathering without a relay candidate is a failure. */
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  /** The current ICE servers, fetched again (fresh TURN credentials); undefined when they are fixed. */
  freshIceServers(): Promise<RTCIceServer[]> | undefined;
  send(to: string, message: RtcSignal): void;
  /** The remote stream or what the remote sends changed. */
  remoteMediaChanged(peer: Peer): void;
  /** The connection to this peer cannot go on; the peer is already closed. */
  peerFailed(peer: Peer, error: RoomError): void;
}

/**
 * One RTCPeerConnection to one remote user, negotiated with the "perfect negotiation" pattern:
 * either side may offer at any time (publishing, switching the camera back on, an ICE restart);
 * when offers cross, the polite side rolls its own back and the impolite side ignores the other's.
 */
export class Peer {
  readonly userID: string;
  readonly polite: boolean;
  readonly pc: RTCPeerConnection;
  /** The remote user's tracks, at most one per kind; the same object for the peer's lifetime. */
  readonly stream: MediaStream;
  /** The remote's session id, learned from its first message. */
  remoteSession: string | undefined;
  closed = false;
  failed = false;

  readonly #host: PeerHost;
  readonly #senders = new Map<MediaKind, RTCRtpSender>();
  #remoteMedia = { audio: true, video: true };
  /** Tracks that delivered media at some point (a track starts muted until its media flows). */
  readonly #delivered = new WeakSet<MediaStreamTrack>();
  #reportedKinds: string | undefined;
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;
  #queue: Promise<void> = Promise.resolve();
  #pendingCandidates: (RtcCandidate | null)[] = [];
  #iceRestarted = false;
  /** Fresh ICE servers are on their way; a 'failed' state until then is the old attempt's. */
  #restartPending = false;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  /** A relay candidate was gathered since the last (re)start of ICE. */
  #relayGathered = false;
  /** The last ICE server that refused or failed, since the last (re)start of ICE. */
  #serverError: string | undefined;

  constructor(host: PeerHost, localUserID: string, userID: string, pc: RTCPeerConnection) {
    this.#host = host;
    this.userID = userID;
    this.polite = negotiationRole(localUserID, userID) === 'polite';
    this.pc = pc;
    this.stream = createMediaStream();

    pc.onnegotiationneeded = () => void this.#negotiate();
    pc.onicecandidate = ({ candidate }) => {
      const json = candidate === null ? null : (candidate.toJSON() as RtcCandidate);
      if (json !== null && / typ relay( |$)/.test(json.candidate ?? '')) this.#relayGathered = true;
      this.#send({ type: 'candidate', session: host.session, candidate: json });
      // Relay-only and gathering ended without a relay: nothing can connect, say why now.
      if (json === null && host.iceTransportPolicy === 'relay' && !this.#relayGathered) this.#noPath();
    };
    pc.onicecandidateerror = (event) => {
      const { url, errorCode, errorText } = event as RTCPeerConnectionIceErrorEvent;
      if (/^turns?:/.test(url ?? '')) this.#serverError = `${url} answered ${errorCode} ${errorText}`.trim();
    };
    pc.ontrack = ({ track }) => this.#addRemoteTrack(track);
    pc.oniceconnectionstatechange = () => this.#onIceState();
    // Chromium reports a peer that vanished (its tab closed, its network gone) as a failed
    // connection while the ICE state stays 'disconnected'.
    pc.onconnectionstatechange = () => this.#onIceState();
  }

  /** Sends a local track to this peer, replacing the one of the same kind if any. */
  setLocalTrack(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): void {
    if (this.closed) return;
    const sender = this.#senders.get(kind);
    if (sender !== undefined) {
      sender.replaceTrack(track).catch(() => this.#fail('signaling-error', `could not switch ${kind}`));
    } else if (track !== null) {
      this.#senders.set(kind, this.pc.addTrack(track, stream));
    }
  }

  /**
   * What the remote is sending now, in the fixed order audio, video: what it says it sends (its
   * `media` messages) and what arrives (a live track that has not stopped delivering).
   */
  kinds(): MediaKind[] {
    const flowing = (kind: MediaKind) => {
      const track = this.track(kind);
      return track !== undefined && !this.#stalled(track);
    };
    return kindsOf(this.#remoteMedia.audio && flowing('audio'), this.#remoteMedia.video && flowing('video'));
  }

  /** The remote's live track of a kind, if one arrived. */
  track(kind: MediaKind): MediaStreamTrack | undefined {
    return this.stream.getTracks().find((t) => t.kind === kind && t.readyState === 'live');
  }

  /**
   * Microphone and camera as the UI shows them. Muted when the remote says so or its audio
   * track stopped delivering (before its audio arrives, its word alone counts, so a call that is
   * connecting shows no mute mark); camera off whenever no video is flowing.
   */
  mediaState(): { muted: boolean; cameraOff: boolean } {
    const audio = this.track('audio');
    return {
      muted: !this.#remoteMedia.audio || (audio !== undefined && this.#stalled(audio)),
      cameraOff: !this.kinds().includes('video'),
    };
  }

  /** True when `kinds()` changed since the last call, or first has a track to report. */
  takeKindsChange(): boolean {
    const key = this.kinds().join(',');
    if (key === this.#reportedKinds) return false;
    if (this.#reportedKinds === undefined && this.stream.getTracks().length === 0) return false;
    this.#reportedKinds = key;
    return true;
  }

  /** A track that delivered media and then stopped (the sender removed it, or the network stalls). */
  #stalled(track: MediaStreamTrack): boolean {
    return track.muted && this.#delivered.has(track);
  }

  /**
   * True when `signal` is an offer that crosses our own first offer and we are the side that
   * yields. Rolling back an offer that Chromium has just started gathering for can leave the
   * connection's ICE dead for good (no local candidate, never checking, ICE restarts included:
   * a call that connects in signaling and never gets media), mostly in a browser's first call.
   * The room answers such an offer on a fresh connection instead: nothing was connected yet.
   */
  crossesFirstOffer(signal: RtcSignal): boolean {
    if (!this.polite || this.closed || signal.type !== 'description' || signal.description.type !== 'offer')
      return false;
    const pc = this.pc;
    return (
      pc.currentRemoteDescription === null && (this.#makingOffer || pc.signalingState === 'have-local-offer')
    );
  }

  /** What the remote said it sends, for a connection that replaces this one. */
  get remoteMedia(): { audio: boolean; video: boolean } {
    return { ...this.#remoteMedia };
  }

  set remoteMedia(media: { audio: boolean; video: boolean }) {
    this.#remoteMedia = { ...media };
  }

  /** Handles a validated message from this peer; messages are handled one at a time, in order. */
  receive(signal: RtcSignal): void {
    this.#queue = this.#queue.then(() => this.#receive(signal));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#iceTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onconnectionstatechange = null;
    this.pc.onicecandidateerror = null;
    this.pc.close();
  }

  #send(message: RtcSignal): void {
    if (!this.closed) this.#host.send(this.userID, message);
  }

  async #negotiate(): Promise<void> {
    if (this.closed) return;
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      this.#sendDescription();
    } catch (error) {
      if (!this.closed) this.#fail('signaling-error', 'could not create an offer', error);
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendDescription(): void {
    const description = this.pc.localDescription;
    if (description === null || (description.type !== 'offer' && description.type !== 'answer')) return;
    this.#send({
      type: 'description',
      session: this.#host.session,
      description: { type: description.type, sdp: description.sdp },
    });
  }

  async #receive(signal: RtcSignal): Promise<void> {
    if (this.closed) return;
    switch (signal.type) {
      case 'description':
        return this.#receiveDescription(signal.description);
      case 'candidate':
        return this.#receiveCandidate(signal.candidate);
      case 'media':
        this.#remoteMedia = { audio: signal.audio, video: signal.video };
        this.#host.remoteMediaChanged(this);
        return;
      case 'bye':
      case 'full':
        return; // the room handles them
    }
  }

  async #receiveDescription(description: RTCSessionDescriptionInit & { type: 'offer' | 'answer' }) {
    const pc = this.pc;
    const readyForOffer = !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingRemoteAnswer);
    const offerCollision = description.type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.polite && offerCollision;
    if (this.#ignoreOffer) return;
    try {
      this.#settingRemoteAnswer = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description); // a polite peer's own offer is rolled back implicitly
      } finally {
        this.#settingRemoteAnswer = false;
      }
      if (this.closed) return;
      await this.#flushCandidates();
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        this.#sendDescription();
      }
    } catch (error) {
      if (this.closed) return;
      // An answer to an offer that is no longer pending is stale, not broken.
      if (description.type === 'answer' && pc.signalingState === 'stable') return;
      this.#fail('signaling-error', `could not apply the ${description.type} of ${this.userID}`, error);
    }
  }

  async #receiveCandidate(candidate: RtcCandidate | null): Promise<void> {
    if (this.pc.remoteDescription === null) {
      this.#pendingCandidates.push(candidate);
      return;
    }
    await this.#addCandidate(candidate);
  }

  async #flushCandidates(): Promise<void> {
    const pending = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of pending) await this.#addCandidate(candidate);
  }

  async #addCandidate(candidate: RtcCandidate | null): Promise<void> {
    try {
      await (candidate === null ? this.pc.addIceCandidate() : this.pc.addIceCandidate(candidate));
    } catch {
      // Candidates of an ignored offer fail by design; a bad candidate just never connects,
      // and ICE failure is reported on its own.
    }
  }

  #addRemoteTrack(track: MediaStreamTrack): void {
    if (this.closed) return;
    if (!this.stream.getTracks().includes(track)) {
      for (const old of this.stream.getTracks()) {
        if (old.kind === track.kind) this.stream.removeTrack(old);
      }
      this.stream.addTrack(track);
      track.addEventListener('ended', () => {
        this.stream.removeTrack(track);
        this.#host.remoteMediaChanged(this);
      });
      // A track stops delivering (the sender removed it, or the network stalls) with no message.
      // Chromium keeps a new track muted until it is played, so only a track that delivered and
      // then stopped counts as stalled.
      if (!track.muted) this.#delivered.add(track);
      const changed = () => {
        if (!track.muted) this.#delivered.add(track);
        if (!this.closed) this.#host.remoteMediaChanged(this);
      };
      track.addEventListener('mute', changed);
      track.addEventListener('unmute', changed);
    }
    this.#host.remoteMediaChanged(this);
  }

  #onIceState(): void {
    if (this.closed) return;
    const state = this.pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      clearTimeout(this.#iceTimer);
      this.#iceTimer = undefined;
      this.#iceRestarted = false;
    } else if ((state === 'failed' || this.pc.connectionState === 'failed') && !this.#restartPending) {
      this.#noPath();
    }
  }

  /** No path to the peer: restart ICE once (with fresh ICE servers when they come from a provider), then fail. */
  #noPath(): void {
    if (this.#iceRestarted) {
      this.#iceFailed();
      return;
    }
    this.#iceRestarted = true;
    this.#relayGathered = false;
    this.#serverError = undefined;
    this.#iceTimer = setTimeout(() => this.#iceFailed(), this.#host.iceRestartTimeoutMs);
    const fresh = this.#host.freshIceServers();
    if (fresh === undefined) {
      this.pc.restartIce();
      return;
    }
    // TURN credentials may have expired since this connection was made: restart with new ones.
    this.#restartPending = true;
    fresh.then(
      (iceServers) => {
        this.#restartPending = false;
        if (this.closed) return;
        try {
          this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
        } catch {
          // Kept the old servers; the restart below still runs, and fails on its own if they do.
        }
        this.pc.restartIce();
      },
      () => {
        this.#restartPending = false;
        if (!this.closed) this.pc.restartIce();
      },
    );
  }

  #iceFailed(): void {
    const noRelay =
      !this.#relayGathered && (this.#host.iceTransportPolicy === 'relay' || this.#serverError !== undefined);
    if (noRelay) {
      const why = this.#serverError ?? 'no TURN server gave a relay address';
      this.#fail('no-relay', `no TURN relay could be allocated for the call with ${this.userID} (${why})`);
    } else {
      this.#fail('ice-failed', `no network path to ${this.userID}, even after an ICE restart`);
    }
  }

  #fail(reason: 'ice-failed' | 'no-relay' | 'signaling-error', message: string, cause?: unknown): void {
    if (this.closed) return;
    this.failed = true;
    this.close();
    const options = cause === undefined ? { userID: this.userID } : { userID: this.userID, cause };
    this.#host.peerFailed(this, new RoomError(reason, message, options));
  }
}
