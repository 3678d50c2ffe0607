/**
 * A fake of the `@tencentcloud/chat` instance, typed from the SDK's own declarations: every
 * method is declared with the SDK's signature (`ChatSDK['invite']`, ...), so a change in the
 * SDK breaks `tsc` here. It records calls, answers them like the 3.6.6 SDK does (the IM
 * response plus `inviteID`, errors as `{ code, message }`, one cancel/accept/reject at a time),
 * and lets a test emit any SDK event.
 */
import type { ChatSDK, Message, Signaling } from '@tencentcloud/chat';
import { ChatEventName, type SignalingEventName, type TencentChat } from '../sdk.js';

type Listener = Parameters<ChatSDK['on']>[1];
export type Method =
  | 'login'
  | 'logout'
  | 'invite'
  | 'inviteInGroup'
  | 'cancel'
  | 'accept'
  | 'reject'
  | 'modifyInvitation';

export interface Call {
  readonly method: Method;
  readonly options: unknown;
}

/** A scripted answer to the next call of a method: a value to resolve with, or a function. */
export type Script = (options: unknown) => unknown;

export interface TencentErrorLike {
  readonly code: number;
  readonly message: string;
}

export function tencentError(code: number, message = `error ${code}`): TencentErrorLike {
  return { code, message };
}

/** A deferred the test resolves or rejects: for requests held in flight. */
export function gate<T = unknown>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A signaling custom message, as MESSAGE_RECEIVED carries it (only what the fake reads). */
export function signalingMessage(signaling: Record<string, unknown>, timeSeconds: number): Message {
  const message = {
    ID: `msg-${String(signaling.inviteID)}-${String(signaling.actionType)}`,
    type: 'TIMCustomElem',
    payload: { data: JSON.stringify({ businessID: 1, ...signaling }) },
    time: timeSeconds,
  };
  return message as unknown as Message;
}

export class FakeChat {
  readonly calls: Call[] = [];
  readonly #events = new Map<string, Set<Listener>>();
  readonly #signals = new Map<string, Set<Listener>>();
  readonly #scripts = new Map<Method, Script[]>();
  #ready = false;
  #nextId = 1;
  /** The SDK refuses a cancel/accept/reject while another is in flight (its `_isHandling`). */
  #handling = false;

  /** New invitations get ids `${idPrefix}-1`, `${idPrefix}-2`, ... */
  idPrefix = 'tc';

  /** The user a `login` named (the fake does not check the signature). */
  userID = '';

  /** Told about every call that succeeded, with its response (a {@link FakeCloud} routes them). */
  onSent: ((method: Method, options: unknown, response: unknown) => void) | undefined;

  login: ChatSDK['login'] = (options) => {
    this.userID = options.userID;
    return this.#answer('login', options, { code: 0, data: { repeatLogin: false } });
  };

  logout: ChatSDK['logout'] = () => {
    this.#ready = false;
    return this.#answer('logout', undefined, undefined) as Promise<void>;
  };

  isReady: ChatSDK['isReady'] = () => this.#ready;

  on: ChatSDK['on'] = (name, handler) => {
    this.#add(this.#events, name, handler);
  };

  off: ChatSDK['off'] = (name, handler) => {
    this.#events.get(name)?.delete(handler);
  };

  addSignalingListener: ChatSDK['addSignalingListener'] = (name, handler) => {
    this.#add(this.#signals, name, handler);
  };

  removeSignalingListener: ChatSDK['removeSignalingListener'] = (name, handler) => {
    this.#signals.get(name)?.delete(handler);
  };

  invite: ChatSDK['invite'] = (options) => {
    const inviteID = `${this.idPrefix}-${this.#nextId++}`;
    return this.#answer('invite', options, { code: 0, data: { message: { ID: `m-${inviteID}` } }, inviteID });
  };

  inviteInGroup: ChatSDK['inviteInGroup'] = (options) => {
    const inviteID = `${this.idPrefix}-${this.#nextId++}`;
    return this.#answer('inviteInGroup', options, {
      code: 0,
      data: { message: { ID: `m-${inviteID}` } },
      inviteID,
    });
  };

  cancel: ChatSDK['cancel'] = (options) => this.#handle('cancel', options, 8020);

  accept: ChatSDK['accept'] = (options) => this.#handle('accept', options, 8010);

  reject: ChatSDK['reject'] = (options) => this.#handle('reject', options, 8010);

  modifyInvitation: ChatSDK['modifyInvitation'] = (options) =>
    this.#answer('modifyInvitation', options, {
      code: 0,
      data: { message: { ID: `m-${options.inviteID}` } },
    });

  getSignalingInfo: ChatSDK['getSignalingInfo'] = (message) => {
    const raw: unknown = (message as { payload?: { data?: unknown } }).payload?.data;
    if (typeof raw !== 'string') return null;
    try {
      const o = JSON.parse(raw) as Record<string, unknown>;
      if (typeof o.inviteID !== 'string' || typeof o.actionType !== 'number') return null;
      const signaling: Signaling = {
        inviteID: o.inviteID,
        groupID: typeof o.groupID === 'string' ? o.groupID : '',
        inviter: typeof o.inviter === 'string' ? o.inviter : '',
        inviteeList: Array.isArray(o.inviteeList) ? (o.inviteeList as string[]) : [],
        data: typeof o.data === 'string' ? o.data : '',
        actionType: o.actionType as Signaling['actionType'],
        timeout: typeof o.timeout === 'number' ? o.timeout : 0,
      };
      return signaling;
    } catch {
      return null;
    }
  };

  // ------------------------------------------------------------ test controls

  /** The next call of `method` answers with this script instead of the default. */
  script(method: Method, script: Script): this {
    const list = this.#scripts.get(method) ?? [];
    list.push(script);
    this.#scripts.set(method, list);
    return this;
  }

  /** The next call of `method` rejects with a Tencent error. */
  failNext(method: Method, code: number, message?: string): this {
    return this.script(method, () => Promise.reject(tencentError(code, message)));
  }

  /** Calls of one method, in order. */
  callsOf(method: Method): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.options);
  }

  /** SDK_READY, as the SDK emits it once login and sync are done. */
  becomeReady(): void {
    this.#ready = true;
    this.emit(ChatEventName.SDK_READY, undefined);
  }

  becomeNotReady(): void {
    this.#ready = false;
    this.emit(ChatEventName.SDK_NOT_READY, undefined);
  }

  /** Emits a `TencentCloudChat.EVENT` to `chat.on` listeners as `{ name, data }`. */
  emit(name: string, data: unknown): void {
    for (const handler of [...(this.#events.get(name) ?? [])]) handler({ name, data });
  }

  /** Emits a `TencentCloudChat.TSignaling` event to signaling listeners as `{ name, data }`. */
  signal(name: SignalingEventName, data: unknown): void {
    for (const handler of [...(this.#signals.get(name) ?? [])]) handler({ name, data });
  }

  /** Listeners currently registered (all kinds). */
  get listenerCount(): number {
    let n = 0;
    for (const set of [...this.#events.values(), ...this.#signals.values()]) n += set.size;
    return n;
  }

  #add(map: Map<string, Set<Listener>>, name: string, handler: Listener): void {
    let set = map.get(name);
    if (set === undefined) {
      set = new Set();
      map.set(name, set);
    }
    set.add(handler);
  }

  #answer(method: Method, options: unknown, fallback: unknown): Promise<unknown> {
    this.calls.push({ method, options });
    const script = this.#scripts.get(method)?.shift();
    let answer: Promise<unknown>;
    try {
      answer = Promise.resolve(script === undefined ? fallback : script(options));
    } catch (error) {
      answer = Promise.reject(error);
    }
    return answer.then((response) => {
      const code =
        typeof response === 'object' && response !== null ? (response as { code?: unknown }).code : 0;
      if (code === 0 || code === undefined) this.onSent?.(method, options, response);
      return response;
    });
  }

  async #handle(
    method: 'cancel' | 'accept' | 'reject',
    options: unknown,
    busyCode: number,
  ): Promise<unknown> {
    if (this.#handling) {
      this.calls.push({ method, options });
      throw tencentError(busyCode, 'another signaling operation is in progress');
    }
    this.#handling = true;
    try {
      const inviteID = (options as { inviteID: string }).inviteID;
      const response = await this.#answer(method, options, { code: 0, data: { message: {} } });
      return typeof response === 'object' && response !== null && (response as { code?: unknown }).code === 0
        ? { ...response, inviteID }
        : response;
    } finally {
      this.#handling = false;
    }
  }
}

// The fake must stay a drop-in for the SDK's instance: this line fails to compile when it is not.
export const fakeIsAChat: (fake: FakeChat) => TencentChat = (fake) => fake;
