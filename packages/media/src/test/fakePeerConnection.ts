// An RTCPeerConnection stand-in that keeps the signaling state machine honest (offer, answer,
// implicit rollback) and lets a test drive ICE states, for WebRtcRoom tests in Node.

type Handlers = Pick<
  RTCPeerConnection,
  'onnegotiationneeded' | 'onicecandidate' | 'ontrack' | 'oniceconnectionstatechange' | 'onicecandidateerror'
>;

export class FakePeerConnection implements Handlers {
  static created: FakePeerConnection[] = [];

  onnegotiationneeded: RTCPeerConnection['onnegotiationneeded'] = null;
  onicecandidate: RTCPeerConnection['onicecandidate'] = null;
  ontrack: RTCPeerConnection['ontrack'] = null;
  oniceconnectionstatechange: RTCPeerConnection['oniceconnectionstatechange'] = null;
  onicecandidateerror: RTCPeerConnection['onicecandidateerror'] = null;

  signalingState: RTCSignalingState = 'stable';
  iceConnectionState: RTCIceConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  /** The remote description of the last completed negotiation. */
  currentRemoteDescription: RTCSessionDescriptionInit | null = null;
  closed = false;
  restarts = 0;
  readonly remoteDescriptions: RTCSessionDescriptionInit[] = [];
  readonly candidates: (RTCIceCandidateInit | undefined)[] = [];
  readonly senders: {
    track: MediaStreamTrack | null;
    replaceTrack(t: MediaStreamTrack | null): Promise<void>;
  }[] = [];
  #offers = 0;

  /** Every configuration set with setConfiguration, in order. */
  readonly reconfigured: RTCConfiguration[] = [];

  constructor(public configuration: RTCConfiguration) {
    FakePeerConnection.created.push(this);
  }

  getConfiguration(): RTCConfiguration {
    return this.configuration;
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configuration = configuration;
    this.reconfigured.push(configuration);
  }

  asPeerConnection(): RTCPeerConnection {
    return this as unknown as RTCPeerConnection;
  }

  addTrack(track: MediaStreamTrack): RTCRtpSender {
    const sender = {
      track: track as MediaStreamTrack | null,
      async replaceTrack(next: MediaStreamTrack | null) {
        sender.track = next;
      },
    };
    this.senders.push(sender);
    this.#needNegotiation();
    return sender as unknown as RTCRtpSender;
  }

  #negotiationQueued = false;

  /** Like the browser: one negotiationneeded for a burst of changes, and only while stable. */
  #needNegotiation(): void {
    if (this.#negotiationQueued) return;
    this.#negotiationQueued = true;
    queueMicrotask(() => {
      this.#negotiationQueued = false;
      if (this.signalingState === 'stable' && !this.closed) {
        this.fire('onnegotiationneeded', new Event('negotiationneeded'));
      }
    });
  }

  async setLocalDescription(): Promise<void> {
    await Promise.resolve();
    if (this.signalingState === 'stable' || this.signalingState === 'have-local-offer') {
      this.signalingState = 'have-local-offer';
      this.localDescription = { type: 'offer', sdp: `offer-${++this.#offers}` };
    } else if (this.signalingState === 'have-remote-offer') {
      this.signalingState = 'stable';
      this.localDescription = { type: 'answer', sdp: 'answer' };
      this.currentRemoteDescription = this.remoteDescription;
    } else {
      throw new DOMException('wrong state', 'InvalidStateError');
    }
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await Promise.resolve();
    if (description.sdp === 'broken') throw new DOMException('bad sdp', 'OperationError');
    this.remoteDescriptions.push(description);
    if (description.type === 'offer') {
      // have-local-offer: the implicit rollback a polite peer relies on
      this.signalingState = 'have-remote-offer';
    } else if (description.type === 'answer') {
      if (this.signalingState !== 'have-local-offer') throw new DOMException('no offer', 'InvalidStateError');
      this.signalingState = 'stable';
      this.currentRemoteDescription = description;
    }
    this.remoteDescription = description;
  }

  async addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    this.candidates.push(candidate);
  }

  /** The ICE servers in use at each restartIce(). */
  readonly restartedWith: (RTCIceServer[] | undefined)[] = [];

  restartIce(): void {
    this.restarts++;
    this.restartedWith.push(this.configuration.iceServers);
  }

  async getStats(): Promise<RTCStatsReport> {
    return new Map() as unknown as RTCStatsReport;
  }

  close(): void {
    this.closed = true;
    this.signalingState = 'closed';
  }

  /** Sets the ICE state and fires the change, as the browser would. */
  setIceState(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    this.fire('oniceconnectionstatechange', new Event('iceconnectionstatechange'));
  }

  /** A remote track arrives. */
  receiveTrack(track: MediaStreamTrack): void {
    this.fire('ontrack', { track } as unknown as RTCTrackEvent);
  }

  /** A local candidate was gathered. */
  gather(candidate: RTCIceCandidateInit | null): void {
    const event = {
      candidate: candidate && { toJSON: () => candidate },
    } as unknown as RTCPeerConnectionIceEvent;
    this.fire('onicecandidate', event);
  }

  /** An ICE server failed (for TURN: refused the credentials, or did not answer). */
  candidateError(url: string, errorCode: number, errorText: string): void {
    this.fire('onicecandidateerror', {
      url,
      errorCode,
      errorText,
    } as unknown as RTCPeerConnectionIceErrorEvent);
  }

  fire<K extends keyof Handlers>(name: K, event: Parameters<NonNullable<Handlers[K]>>[0]): void {
    const handler = this[name] as ((this: RTCPeerConnection, event: unknown) => void) | null;
    handler?.call(this.asPeerConnection(), event);
  }
}
