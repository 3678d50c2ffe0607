import { type Clock, type ConnectionState, ErrorCode, type SignalingErrorInfo } from '@beckon/signaling';
import { errorInfo } from '@beckon/signaling/rules';
import { isCredentialError, mapTencentError } from './errors.js';
import type { TencentTransportOptions } from './options.js';
import { ChatEventName, KickedOutType, NetState, type TencentChat } from './sdk.js';
import { payload } from './sdkEvents.js';

/** The web SDK resolves a repeated login; older builds rejected it with 2025. */
const REPEAT_LOGIN = 2025;

/** The SDK resolves some failures instead of rejecting (`{ code: n }` with n ≠ 0): make them throw. */
export function settled<T>(response: T): T {
  if (typeof response === 'object' && response !== null) {
    const code = (response as { code?: unknown }).code;
    if (typeof code === 'number' && code !== 0) throw response;
  }
  return response;
}

function errorCodeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** A string field of an SDK event's payload. */
function field(event: unknown, key: string): string | undefined {
  const value = payload(event)?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** What the session tells the transport that owns it. */
export interface SessionHost {
  /** The chat instance is there: subscribe to its signaling; returns the unsubscribers. */
  attached(chat: TencentChat): Array<() => void>;
  /** The SDK became ready (after a login, or the app's own): a new session starts. */
  ready(): void;
  /** The session was lost (SDK_NOT_READY, or a kick that logs in again): a gap begins. */
  lost(): void;
  /** The connection state the listener last saw. */
  readonly state: ConnectionState;
  setState(state: ConnectionState, error?: SignalingErrorInfo): void;
}

/**
 * The Tencent transport's connection: obtaining the chat instance, logging in (the UserSig
 * fetched again for every attempt), retrying with exponential backoff, and following the SDK's
 * ready, network and kicked-out events. It knows nothing about invitations.
 */
export class TencentSession {
  readonly #o: TencentTransportOptions;
  readonly #clock: Clock;
  readonly #host: SessionHost;
  #chat: TencentChat | undefined;
  /** SDK_READY seen and not lost since. */
  #ready = false;
  #loggedIn = false;
  #closed = false;
  #attempt = 0;
  #retryTimer: unknown;
  #offs: Array<() => void> = [];

  constructor(options: TencentTransportOptions, clock: Clock, host: SessionHost) {
    this.#o = options;
    this.#clock = clock;
    this.#host = host;
  }

  get chat(): TencentChat | undefined {
    return this.#chat;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async start(): Promise<void> {
    let chat: TencentChat;
    try {
      chat = await this.#obtainChat();
    } catch (error) {
      this.fail(mapTencentError(error, 'creating the Tencent Cloud Chat instance'));
      return;
    }
    if (this.#closed) return;
    this.#chat = chat;
    const on = (name: ChatEventName, handler: (event: unknown) => void) => {
      chat.on(name, handler);
      this.#offs.push(() => chat.off(name, handler));
    };
    on(ChatEventName.SDK_READY, () => this.#onReady());
    on(ChatEventName.SDK_NOT_READY, () => this.#onNotReady());
    on(ChatEventName.KICKED_OUT, (event) => this.#onKickedOut(field(event, 'type')));
    on(ChatEventName.NET_STATE_CHANGE, (event) => this.#onNetState(field(event, 'state')));
    this.#offs.push(...this.#host.attached(chat));
    await this.#login();
  }

  /** Ends the session for good with `error` (closed). */
  fail(error: SignalingErrorInfo): void {
    if (this.#closed) return;
    this.#shutdown();
    this.#host.setState('closed', error);
  }

  /** Stops everything; logs out when this session logged in (unless told not to). */
  close(): void {
    if (this.#closed) return;
    this.#shutdown();
    const chat = this.#chat;
    // Never `destroy()`: `TencentCloudChat.create` hands out one instance per SDKAppID, which
    // other parts of the app may be using.
    if (chat !== undefined && this.#loggedIn && (this.#o.logoutOnClose ?? true)) {
      void Promise.resolve()
        .then(() => chat.logout())
        .catch(() => {});
    }
  }

  async #obtainChat(): Promise<TencentChat> {
    const o = this.#o;
    if ('chat' in o) return o.chat;
    if (o.createChat !== undefined) return o.createChat({ SDKAppID: o.SDKAppID });
    const sdk = await import('@tencentcloud/chat');
    return sdk.default.create({ SDKAppID: o.SDKAppID });
  }

  async #login(): Promise<void> {
    const chat = this.#chat;
    if (chat === undefined || this.#closed) return;
    const sig = this.#o.userSig;
    if (sig === undefined) {
      // The app logs in itself; SDK_READY (or an instance already ready) starts the session.
      if (chat.isReady()) this.#onReady();
      return;
    }
    let userSig: string;
    try {
      userSig = typeof sig === 'string' ? sig : await sig();
    } catch (error) {
      this.#retry(mapTencentError(error, 'fetching the userSig'));
      return;
    }
    if (this.#closed) return;
    try {
      settled(await chat.login({ userID: this.#o.userID, userSig }));
    } catch (error) {
      if (errorCodeOf(error) !== REPEAT_LOGIN) {
        const info = mapTencentError(error, 'login');
        if (isCredentialError(info)) this.fail(info);
        else this.#retry(info);
        return;
      }
    }
    if (this.#closed) return;
    this.#loggedIn = true;
    this.#attempt = 0;
    if (chat.isReady()) this.#onReady();
  }

  #retry(error: SignalingErrorInfo): void {
    if (this.#closed) return;
    this.#host.setState('reconnecting', error);
    const initial = this.#o.retry?.initialDelayMs ?? 1000;
    const max = this.#o.retry?.maxDelayMs ?? 30_000;
    const delay = Math.min(max, initial * 2 ** this.#attempt);
    this.#attempt++;
    this.#clock.clearTimer(this.#retryTimer);
    this.#retryTimer = this.#clock.setTimer(this.#clock.now() + delay, () => void this.#login());
  }

  #onReady(): void {
    if (this.#closed || this.#ready) return;
    this.#ready = true;
    this.#host.ready();
  }

  #onNotReady(): void {
    if (this.#closed || !this.#ready) return;
    this.#ready = false;
    this.#host.lost();
    this.#host.setState('reconnecting');
  }

  #onNetState(state: string | undefined): void {
    if (this.#closed) return;
    if (state === NetState.CONNECTED) {
      if (this.#ready) this.#host.setState('connected');
    } else if (state === NetState.CONNECTING || state === NetState.DISCONNECTED) {
      if (this.#host.state === 'connected') this.#host.setState('reconnecting');
    }
  }

  #onKickedOut(kind: string | undefined): void {
    if (this.#closed) return;
    const type = kind ?? 'unknown';
    this.#ready = false;
    this.#loggedIn = false;
    if (type === KickedOutType.USERSIG_EXPIRED) {
      if (typeof this.#o.userSig === 'function') {
        // A fresh signature may fix it: log in again.
        this.#host.lost();
        this.#host.setState(
          'reconnecting',
          errorInfo(ErrorCode.UNAUTHORIZED, 'userSig expired; logging in with a new one'),
        );
        void this.#login();
        return;
      }
      this.fail(errorInfo(ErrorCode.UNAUTHORIZED, 'kicked out: the userSig expired'));
      return;
    }
    const why =
      type === KickedOutType.REST_API
        ? 'by the REST API'
        : type === KickedOutType.MULTIPLE_ACCOUNT || type === KickedOutType.MULTIPLE_DEVICE
          ? `: ${this.#o.userID} logged in elsewhere`
          : '';
    this.fail(errorInfo(ErrorCode.CLOSED, `kicked out (${type})${why}`));
  }

  #shutdown(): void {
    this.#closed = true;
    this.#ready = false;
    this.#clock.clearTimer(this.#retryTimer);
    for (const off of this.#offs) off();
    this.#offs = [];
  }
}
