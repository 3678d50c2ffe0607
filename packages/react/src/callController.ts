import {
  CallType,
  canAnswer,
  createAnswerData,
  createBusyData,
  createCallData,
  createHangupData,
  createSwitchToAudioData,
  ErrorCode,
  type InvitationRecord,
  parseCallData,
  type SignalingClient,
  SignalingError,
} from '@beckon/signaling';
import { type CallEndReason, type CallState, idleCall, type MissedCall } from './callState.js';
import type { BeckonStore } from './store.js';

export interface CallControllerOptions {
  /** Seconds a call rings before it times out. Default 30. */
  readonly ringTimeoutSeconds?: number;
  /**
   * Room ids for new calls. Default: the transport's (`TencentTransport`: a TRTC room number
   * TUICallKit can enter), else `beckon-<uuid>`.
   */
  readonly newRoomID?: () => string;
  /** How long to wait for the peer's call-end after its media left before sending our own. Default 2 s. */
  readonly remoteLeaveGraceMs?: number;
}

export interface DialOptions {
  readonly callType?: CallType;
  readonly roomID?: string;
}

const ACTIVE = new Set(['dialing', 'ringing', 'connecting', 'inCall']);
const MISSED_KEPT = 20;

function roomOf(record: InvitationRecord | undefined): string | undefined {
  const info = record ? parseCallData(record.data) : undefined;
  return info?.ok ? info.value.roomID : undefined;
}

/**
 * The seed's one-to-one call flow, framework free: it listens to the client, drives the `call`
 * slice of the store, and exposes the actions `useCall` returns.
 */
export class CallController {
  readonly #client: SignalingClient;
  readonly #store: BeckonStore;
  readonly #o: CallControllerOptions;
  #cancelWhenCreated = false;
  #leaveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(client: SignalingClient, store: BeckonStore, options: CallControllerOptions = {}) {
    this.#client = client;
    this.#store = store;
    this.#o = options;
  }

  get state(): CallState {
    return this.#store.getState().call;
  }

  #set(patch: Partial<CallState>): void {
    this.#store.setState((s) => ({ call: { ...s.call, ...patch } }));
  }

  #end(reason: CallEndReason, by: 'local' | 'remote', extra: Partial<CallState> = {}): void {
    clearTimeout(this.#leaveTimer);
    const now = this.#client.serverNow();
    const { startedAt } = this.state;
    const duration = startedAt === undefined ? undefined : Math.max(0, Math.round((now - startedAt) / 1000));
    this.#set({
      phase: 'ended',
      endReason: reason,
      endedBy: by,
      endedAt: now,
      durationSeconds: duration,
      ...extra,
    });
  }

  #miss(call: MissedCall): void {
    this.#set({ missed: [call, ...this.state.missed].slice(0, MISSED_KEPT) });
  }

  /** Is this event about the call we are in (also before the invite's reply has arrived)? */
  #ours(record: InvitationRecord): boolean {
    const s = this.state;
    if (s.inviteID !== undefined) return record.inviteID === s.inviteID;
    return s.phase === 'dialing' && record.inviter === this.#client.userID && roomOf(record) === s.roomID;
  }

  /** Is this our own switch-to-audio invitation (its answer is not about the call itself)? */
  #switchOf(record: InvitationRecord): boolean {
    if (record.inviter !== this.#client.userID || !record.data.includes('switchToAudio')) return false;
    const info = parseCallData(record.data);
    return info.ok && info.value.cmd === 'switchToAudio';
  }

  /** A new invitation to this user: a call rings (or is refused as busy), a call-end ends ours. */
  #onInvitation(record: InvitationRecord): void {
    const c = this.#client;
    const me = c.userID;
    if (record.groupID !== '' || record.inviter === me || !canAnswer(record, me)) return;
    const info = parseCallData(record.data);
    if (!info.ok) return;
    const s = this.state;
    const { cmd, roomID } = info.value;
    if (cmd === 'hangup') {
      // The peer hung up (seed step 5). Acknowledge the notice so it does not linger.
      c.accept(record.inviteID).catch(() => {});
      // TUICallKit's hang-up may name no room (JS engine) or room 0 (2022 Android): the peer decides.
      const sameRoom = roomID === '' || roomID === s.roomID;
      if (ACTIVE.has(s.phase) && record.inviter === s.peer && sameRoom) {
        this.#end('hungUp', 'remote', { durationSeconds: info.value.callEnd ?? 0 });
      }
      return;
    }
    if (cmd === 'switchToAudio' || cmd === 'switchToVideo') {
      this.#onSwitch(record, cmd);
      return;
    }
    if (cmd !== 'audioCall' && cmd !== 'videoCall') return;
    const callType = info.value.callType ?? (cmd === 'videoCall' ? CallType.VIDEO : CallType.AUDIO);
    const call = {
      inviteID: record.inviteID,
      peer: record.inviter,
      callType,
      at: record.createdAt,
    };
    if (s.phase === 'dialing' && s.peer === record.inviter) {
      // Glare seen from this side: the peer's invitation won; answer it.
      this.#set({
        inviteID: record.inviteID,
        roomID,
        direction: 'incoming',
        callType,
      });
      void this.accept();
      return;
    }
    if (ACTIVE.has(s.phase)) {
      // Already in a call: reject with the line-busy reason (seed step 3).
      c.reject(
        record.inviteID,
        createBusyData({ callType, roomID, userIDs: me === undefined ? [] : [me] }),
      ).catch(() => {});
      this.#miss(call);
      return;
    }
    clearTimeout(this.#leaveTimer);
    this.#store.setState((st) => ({
      call: {
        ...idleCall,
        missed: st.call.missed,
        phase: 'ringing',
        direction: 'incoming',
        peer: record.inviter,
        inviteID: record.inviteID,
        roomID,
        callType,
      },
    }));
  }

  /**
   * The peer asks, mid-call, to switch the call's media (TUICallKit's `switchToAudio`): accepted
   * for our own call's peer while connected (the call becomes audio), rejected otherwise; never a
   * busy reject, never a missed call.
   */
  #onSwitch(record: InvitationRecord, cmd: 'switchToAudio' | 'switchToVideo'): void {
    const s = this.state;
    const ours = (s.phase === 'connecting' || s.phase === 'inCall') && record.inviter === s.peer;
    const input = { callType: s.callType ?? CallType.VIDEO, roomID: s.roomID ?? '' };
    if (ours && cmd === 'switchToAudio') {
      this.#client.accept(record.inviteID, createSwitchToAudioData(input)).catch(() => {});
      this.#set({ callType: CallType.AUDIO });
      return;
    }
    // Switching to video is not offered by Beckon; a switch outside our call is answered, not ignored.
    const message = ours ? 'switching to video is not supported' : 'not in a call with you';
    this.#client.reject(record.inviteID, createSwitchToAudioData({ ...input, message })).catch(() => {});
  }

  start(): () => void {
    const c = this.#client;
    const offs = [
      c.on('onReceiveNewInvitation', (e) => this.#onInvitation(e.invitation)),
      c.on('onInviteeAccepted', (e) => {
        if (this.#switchOf(e.invitation)) {
          // The peer accepted our switch to audio.
          if (e.invitee === this.state.peer && ACTIVE.has(this.state.phase))
            this.#set({ callType: CallType.AUDIO });
          return;
        }
        if (!this.#ours(e.invitation)) return;
        const s = this.state;
        if (s.inviteID === undefined) this.#set({ inviteID: e.inviteID });
        if (s.direction === 'outgoing' && e.invitee === s.peer && s.phase === 'dialing') {
          this.#set({ phase: 'connecting' });
        } else if (s.direction === 'incoming' && e.invitee === c.userID && e.device !== c.session?.deviceID) {
          if (s.phase === 'ringing') this.#end('answeredElsewhere', 'local');
        }
      }),
      c.on('onInviteeRejected', (e) => {
        if (this.#switchOf(e.invitation)) return; // The call stays as it is.
        if (!this.#ours(e.invitation)) return;
        const s = this.state;
        if (s.direction === 'outgoing' && e.invitee === s.peer && s.phase === 'dialing') {
          const info = parseCallData(e.data);
          this.#end(info.ok && info.value.lineBusy ? 'busy' : 'declined', 'remote');
        } else if (s.direction === 'incoming' && e.invitee === c.userID && e.device !== c.session?.deviceID) {
          if (s.phase === 'ringing') this.#end('answeredElsewhere', 'local');
        }
      }),
      c.on('onInvitationCancelled', (e) => {
        if (!this.#ours(e.invitation) || this.state.phase !== 'ringing') return;
        const s = this.state;
        this.#miss({
          inviteID: e.inviteID,
          peer: e.inviter,
          callType: s.callType ?? CallType.AUDIO,
          at: e.invitation.createdAt,
        });
        this.#end('cancelled', 'remote');
      }),
      c.on('onInvitationTimeout', (e) => {
        if (!this.#ours(e.invitation)) return;
        const s = this.state;
        if (s.phase === 'ringing') {
          this.#miss({
            inviteID: e.inviteID,
            peer: s.peer ?? '',
            callType: s.callType ?? CallType.AUDIO,
            at: e.invitation.createdAt,
          });
          this.#end('timedOut', 'remote');
        } else if (s.phase === 'dialing') {
          this.#end('timedOut', 'remote');
        }
      }),
    ];
    // Invitations that arrived before this controller started (offline delivery, an early
    // connect) still ring: take them oldest first, as they would have come.
    const waiting = [...c.invitations.values()].sort((a, b) => a.createdAt - b.createdAt);
    for (const record of waiting) this.#onInvitation(record);
    return () => {
      clearTimeout(this.#leaveTimer);
      for (const off of offs) off();
    };
  }

  /** Places a call: the room id travels in the invitation data (seed step 1). */
  async dial(peer: string, options: DialOptions = {}): Promise<void> {
    // Calling the person who is ringing us is answering them (glare, seen from this side).
    if (this.state.phase === 'ringing' && this.state.peer === peer) return this.accept();
    if (ACTIVE.has(this.state.phase)) {
      throw new SignalingError(ErrorCode.INVALID_PARAMETERS, 'already in a call; hang up first');
    }
    const callType = options.callType ?? CallType.VIDEO;
    const roomID =
      options.roomID ??
      this.#o.newRoomID?.() ??
      this.#client.newRoomID() ??
      `beckon-${globalThis.crypto.randomUUID()}`;
    const me = this.#client.userID ?? '';
    this.#cancelWhenCreated = false;
    this.#store.setState((s) => ({
      call: {
        ...idleCall,
        missed: s.call.missed,
        phase: 'dialing',
        direction: 'outgoing',
        peer,
        roomID,
        callType,
      },
    }));
    try {
      const inviteID = await this.#client.invite(
        peer,
        // The callees only: TUICallKit 2022 shows a group call when the caller is listed too.
        createCallData({ callType, roomID, userIDs: [peer], inviter: me }),
        {
          timeout: this.#o.ringTimeoutSeconds ?? 30,
        },
      );
      if (this.state.roomID !== roomID) return; // Something else took over meanwhile (glare).
      if (this.state.inviteID === undefined) this.#set({ inviteID });
      if (this.#cancelWhenCreated) await this.hangUp();
    } catch (error) {
      if (this.state.roomID !== roomID && this.state.phase !== 'dialing') return;
      const existing = error instanceof SignalingError ? error.details?.inviteID : undefined;
      if (error instanceof SignalingError && error.code === ErrorCode.ALREADY_EXISTS && existing) {
        // Glare: the peer is already calling us. Answer their invitation: one call, not two.
        const record = this.#client.getInvitation(existing);
        this.#set({
          inviteID: existing,
          direction: 'incoming',
          roomID: roomOf(record) ?? roomID,
          phase: 'ringing',
        });
        await this.accept();
        return;
      }
      this.#end('failed', 'local', { failure: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Answers the ringing call; the media layer then enters the room (seed step 3). */
  async accept(): Promise<void> {
    const { phase, inviteID } = this.state;
    if (phase !== 'ringing' || inviteID === undefined) return;
    this.#set({ phase: 'connecting' });
    try {
      await this.#client.accept(inviteID);
    } catch (error) {
      if (this.state.inviteID !== inviteID || this.state.phase === 'ended') return;
      const gone = error instanceof SignalingError && error.code === ErrorCode.INVITATION_INVALID;
      this.#end(gone ? 'cancelled' : 'failed', gone ? 'remote' : 'local', {
        failure: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Declines the ringing call; `busy` sends the line-busy reason instead. */
  async decline(options: { busy?: boolean } = {}): Promise<void> {
    const { phase, inviteID, callType, roomID } = this.state;
    if (phase !== 'ringing' || inviteID === undefined) return;
    const input = { callType: callType ?? CallType.AUDIO, roomID: roomID ?? '' };
    const data = options.busy ? createBusyData(input) : createAnswerData(input);
    this.#end(options.busy ? 'busy' : 'declined', 'local');
    await this.#client.reject(inviteID, data).catch(() => {});
  }

  /** Cancels a ringing outgoing call, declines an incoming one, or ends the call with its duration. */
  async hangUp(): Promise<void> {
    const s = this.state;
    if (s.phase === 'ringing') return this.decline();
    if (s.phase === 'dialing') {
      if (s.inviteID === undefined) {
        this.#cancelWhenCreated = true;
        return;
      }
      this.#end('cancelled', 'local');
      await this.#client.cancel(s.inviteID).catch(() => {});
      return;
    }
    if (s.phase !== 'connecting' && s.phase !== 'inCall') return;
    this.#end('hungUp', 'local');
    await this.#sendCallEnd();
  }

  /** The media layer saw the remote user enter the room: the call starts now (seed step 3). */
  remoteEntered(): void {
    const { phase } = this.state;
    if (phase === 'connecting' || phase === 'dialing')
      this.#set({ phase: 'inCall', startedAt: this.#client.serverNow() });
  }

  /**
   * The media layer saw the remote user leave. If no call-end invitation follows shortly (the
   * peer crashed or lost the network), this side ends the call and sends it (seed step 5).
   */
  remoteLeft(): void {
    if (this.state.phase !== 'inCall' && this.state.phase !== 'connecting') return;
    const inviteID = this.state.inviteID;
    clearTimeout(this.#leaveTimer);
    this.#leaveTimer = setTimeout(() => {
      if (this.state.inviteID !== inviteID || !ACTIVE.has(this.state.phase)) return;
      this.#end('hungUp', 'remote');
      void this.#sendCallEnd();
    }, this.#o.remoteLeaveGraceMs ?? 2000);
  }

  /** The media layer failed (camera denied, ICE failure...): end the call and tell the peer. */
  fail(reason: string): void {
    if (!ACTIVE.has(this.state.phase)) return;
    const wasConnected = this.state.phase === 'connecting' || this.state.phase === 'inCall';
    const dialingID = this.state.phase === 'dialing' ? this.state.inviteID : undefined;
    this.#end('failed', 'local', { failure: reason });
    if (wasConnected) void this.#sendCallEnd();
    else if (dialingID) this.#client.cancel(dialingID).catch(() => {});
  }

  /**
   * Asks the peer to switch the video call to audio (TUICallKit's `switchToAudio`); the call's
   * `callType` becomes audio when the peer accepts. Does nothing outside a connected video call.
   */
  async switchToAudio(): Promise<void> {
    const { phase, peer, callType, roomID } = this.state;
    if ((phase !== 'connecting' && phase !== 'inCall') || peer === undefined || callType !== CallType.VIDEO)
      return;
    const data = createSwitchToAudioData({ callType, roomID: roomID ?? '', userIDs: [peer] });
    await this.#client.invite(peer, data, { timeout: this.#o.ringTimeoutSeconds ?? 30 });
  }

  /** Back to idle after an ended call (missed calls are kept). */
  reset(): void {
    if (this.state.phase === 'ended')
      this.#store.setState((s) => ({ call: { ...idleCall, missed: s.call.missed } }));
  }

  clearMissed(): void {
    this.#set({ missed: [] });
  }

  async #sendCallEnd(): Promise<void> {
    const { peer, callType, roomID, durationSeconds } = this.state;
    if (!peer) return;
    const data = createHangupData({
      callType: callType ?? CallType.AUDIO,
      roomID: roomID ?? '',
      durationSeconds: durationSeconds ?? 0,
    });
    await this.#client.invite(peer, data, { timeout: 0 }).catch(() => {});
  }
}
