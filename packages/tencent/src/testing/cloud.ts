import type { Clock } from '@beckon/signaling';
import { ChatEventName, SignalingEventName } from '../sdk.js';
import { type FakeChat, type Method, signalingMessage } from './fakeChat.js';

/** The next turn of the event loop (`setImmediate` in Node, a zero timeout elsewhere). */
const later: (callback: () => void) => void =
  typeof setImmediate === 'function'
    ? (callback) => setImmediate(callback)
    : (callback) => setTimeout(callback, 0);

/** Lets pending promise callbacks and one turn of deliveries run. */
export const flush = () => new Promise<void>((resolve) => later(resolve));

interface Sent {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly inviteeList: readonly string[];
  readonly data: string;
  readonly timeout: number;
}

/**
 * Routes what one fake chat sends to the others the way Tencent's service and SDK do: the
 * invitation to the invitees (and to the inviter's other devices), answers to the inviter,
 * to the other invitees of a group invitation and to the answerer's other devices, a cancel
 * to the invitees. A group invitation travels as a message of its group: in a group made known
 * with {@link FakeCloud.group}, the invitation and everything about it reach every member,
 * listed or not, as the native SDKs deliver it. Nothing is arbitrated, no
 * timer runs (a test raises timeouts with {@link FakeCloud.timeout}), and every delivery is
 * asynchronous.
 */
export class FakeCloud {
  readonly #clock: Clock;
  readonly #devices = new Map<string, FakeChat[]>();
  readonly #invitations = new Map<string, Sent>();
  readonly #groups = new Map<string, readonly string[]>();
  readonly #users = new Map<FakeChat, string>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  join(userID: string, chat: FakeChat): void {
    const list = this.#devices.get(userID) ?? [];
    list.push(chat);
    this.#devices.set(userID, list);
    chat.idPrefix = `${userID}${list.length}`;
    this.#users.set(chat, userID);
    chat.onSent = (method, options, response) => this.#route(userID, chat, method, options, response);
  }

  /**
   * Makes `groupID` a chat group of `members`: its invitations, and every accept, reject, cancel
   * and timeout of them, reach every member's devices, listed or not, as the native SDKs deliver
   * a group's signaling (TUICallKit's Android and iOS "not for me" checks rely on it). The web
   * SDK drops group signaling that does not list its user: leave web users (Beckon's own) out of
   * `members` to model it. A group the cloud does not know reaches only the users an invitation
   * names.
   *
   * @example
   * cloud.group('team', ['alice', 'bob', 'tui']);
   */
  group(groupID: string, members: readonly string[]): void {
    if (groupID === '') throw new Error('FakeCloud.group: a group needs an id');
    this.#groups.set(groupID, [...new Set(members)]);
  }

  /**
   * The invitation timed out for `invitees` (default: everyone it lists), as the SDK's timer
   * and the timeout notice it sends raise it: `INVITATION_TIMEOUT` with those invitees for the
   * inviter and everyone the invitation lists (as its answers go), and for the group's members.
   * Throws for an invitation nobody sent.
   *
   * @example
   * cloud.timeout(inviteID, ['bob']); // bob never answered
   */
  timeout(inviteID: string, invitees?: readonly string[]): void {
    const sent = this.#invitations.get(inviteID);
    if (sent === undefined) throw new Error(`FakeCloud.timeout: no invitation ${inviteID} was sent`);
    const inviteeList = invitees === undefined ? sent.inviteeList : [...invitees];
    const stranger = inviteeList.find((u) => !sent.inviteeList.includes(u));
    if (stranger !== undefined)
      throw new Error(`FakeCloud.timeout: ${stranger} is not an invitee of ${inviteID}`);
    this.#to(this.#audience(sent, [sent.inviter, ...sent.inviteeList]), undefined, (chat) =>
      chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
        inviteID,
        inviter: sent.inviter,
        groupID: sent.groupID,
        data: sent.data,
        inviteeList,
        isSelfTimeout: inviteeList.includes(this.#users.get(chat) ?? ''),
      }),
    );
  }

  /** Lets every delivery (and what it sets off) happen. */
  async settle(rounds = 6): Promise<void> {
    for (let i = 0; i < rounds; i++) await flush();
  }

  /** `users`, and every member of the invitation's group when the cloud knows it. */
  #audience(sent: Sent, users: readonly string[]): string[] {
    return [...users, ...(this.#groups.get(sent.groupID) ?? [])];
  }

  #to(users: Iterable<string>, except: FakeChat | undefined, deliver: (chat: FakeChat) => void): void {
    const targets = [...new Set(users)]
      .flatMap((u) => this.#devices.get(u) ?? [])
      .filter((c) => c !== except);
    later(() => {
      for (const chat of targets) deliver(chat);
    });
  }

  #route(sender: string, from: FakeChat, method: Method, options: unknown, response: unknown): void {
    const o = options as Record<string, unknown>;
    switch (method) {
      case 'invite':
      case 'inviteInGroup': {
        const inviteID = (response as { inviteID: string }).inviteID;
        const sent: Sent = {
          inviteID,
          inviter: sender,
          groupID: method === 'invite' ? '' : String(o.groupID),
          inviteeList: method === 'invite' ? [String(o.userID)] : (o.inviteeList as string[]),
          data: typeof o.data === 'string' ? o.data : '',
          timeout: typeof o.timeout === 'number' ? o.timeout : 0,
        };
        this.#invitations.set(inviteID, sent);
        const message = signalingMessage({ ...sent, actionType: 1 }, this.#clock.now() / 1000);
        // 3.6.6 emits the invitation without its timeout, then the message that carries it.
        const { timeout: _, ...event } = sent;
        this.#to(this.#audience(sent, [...sent.inviteeList, sender]), from, (chat) => {
          chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, event);
          chat.emit(ChatEventName.MESSAGE_RECEIVED, [message]);
        });
        break;
      }
      case 'accept':
      case 'reject': {
        const sent = this.#invitations.get(String(o.inviteID));
        if (sent === undefined) return;
        const name =
          method === 'accept' ? SignalingEventName.INVITEE_ACCEPTED : SignalingEventName.INVITEE_REJECTED;
        const audience = sent.groupID === '' ? [sent.inviter, sender] : [sent.inviter, ...sent.inviteeList];
        this.#to(this.#audience(sent, audience), from, (chat) =>
          chat.signal(name, {
            inviteID: sent.inviteID,
            inviter: sent.inviter,
            groupID: sent.groupID,
            data: typeof o.data === 'string' ? o.data : '',
            invitee: sender,
          }),
        );
        break;
      }
      case 'cancel': {
        const sent = this.#invitations.get(String(o.inviteID));
        if (sent === undefined) return;
        this.#to(this.#audience(sent, [...sent.inviteeList, sender]), from, (chat) =>
          chat.signal(SignalingEventName.INVITATION_CANCELLED, {
            inviteID: sent.inviteID,
            inviter: sent.inviter,
            groupID: sent.groupID,
            data: typeof o.data === 'string' ? o.data : '',
          }),
        );
        break;
      }
      case 'modifyInvitation': {
        const sent = this.#invitations.get(String(o.inviteID));
        if (sent === undefined) return;
        this.#to([...sent.inviteeList, sender], from, (chat) =>
          chat.signal(SignalingEventName.INVITATION_MODIFIED, { inviteID: sent.inviteID, data: o.data }),
        );
        break;
      }
      default:
        break;
    }
  }
}
